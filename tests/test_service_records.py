"""xinxiang's 运维服务售后记录单 (a form per completed task) and xinjiang's yearly
技术服务手册 (per system, from the knowledge base), from what was recorded."""

from __future__ import annotations

import io
import uuid
from datetime import datetime, timedelta

from docx import Document
from openpyxl import load_workbook
from opspact.calendar import SHANGHAI
from opspact.testing.plugin import auth

XINXIANG = auth("xinxiang", "vendor_engineer")
XINJIANG = auth("xinjiang", "vendor_engineer")


def _resolved_ticket(gateway, headers, system: str, title: str, note: str) -> dict:
    r = gateway.post("/api/ticketing/tickets", headers=headers, json={
        "system": system, "kind": "incident", "title": title, "description": "刻章店终端无法上传备案",
        "reporter": "刻章店店主", "priority": "p1"})
    assert r.status_code == 201, r.text
    ticket = r.json()
    for to, extra in (("acknowledged", {}), ("resolved", {"note": note})):
        r = gateway.post(f"/api/ticketing/tickets/{ticket['id']}/transitions", headers=headers,
                         json={"to": to, **extra})
        assert r.status_code == 200, r.text
    return ticket


def _days() -> dict[str, str]:
    """From the day an hour ago to today (Shanghai): what a test recorded a few minutes ago,
    even when it runs across midnight."""
    now = datetime.now(SHANGHAI)
    return {"from": (now - timedelta(hours=1)).date().isoformat(), "to": now.date().isoformat()}


def test_a_form_for_every_completed_task(gateway):
    mark = uuid.uuid4().hex[:6]
    note = f"重装高拍仪驱动并重新备案{mark}"
    ticket = _resolved_ticket(gateway, XINXIANG, "shop-terminals", f"备案上传失败{mark}", note)
    r = gateway.post("/api/ticketing/worklog", headers=XINXIANG, json={
        "category": "training", "occurred_at": (datetime.now(SHANGHAI) - timedelta(minutes=5)).isoformat(),
        "initiator": "新开刻章店", "handler": f"工程师{mark}", "handling": "安装终端软件并培训操作",
        "minutes_spent": 90})
    assert r.status_code == 201, r.text
    params = _days()
    r = gateway.get("/api/ticketing/service-records", headers=XINXIANG, params=params)
    assert r.status_code == 200, r.text
    doc = r.json()
    assert doc["title"].endswith("运维服务售后记录单") and doc["sections"][0]["heading"] == "记录单清单"
    forms = {s["heading"]: dict(s["tables"][0]["rows"]) for s in doc["sections"][1:]}
    assert len(forms) == doc["numbers"]["records"] == len(doc["sections"][0]["tables"][0]["rows"])
    form = forms[f"运维服务售后记录单（{ticket['number']}）"]
    assert form["客户单位"] == "新乡市公安局" and form["处理过程及结果"] == note
    assert form["报修人"] == "刻章店店主" and form["响应时间"] != "—" and form["服务类别"] == "故障"
    assert form["客户签字"].strip() == ""  # signed by hand on the paper copy
    training = next(f for f in forms.values() if f["服务工程师"] == f"工程师{mark}")
    assert training["服务类别"] == "培训" and "培训" in training["处理过程及结果"]
    docx = Document(io.BytesIO(gateway.get("/api/ticketing/service-records", headers=XINXIANG,
                                           params={**params, "format": "docx"}).content))
    cells = {c.text for t in docx.tables for row in t.rows for c in row.cells}
    assert note in cells
    breaks = docx.element.body.xml.count('w:type="page"')
    assert breaks >= len(forms)  # every form on its own page
    book = load_workbook(io.BytesIO(gateway.get("/api/ticketing/service-records", headers=XINXIANG,
                                                params={**params, "format": "xlsx"}).content))
    assert book.sheetnames == ["概要", "记录单清单"]
    r = gateway.get("/api/ticketing/service-records", headers=XINXIANG,
                    params={"from": "2025-02-01", "to": "2025-01-01"})
    assert r.status_code == 422 and "before" in r.text



def test_the_client_signs_a_tasks_record(gateway):
    """八2: the client's officer accepts a task's record on the SHA-256 of the record read;
    the form then carries the signature; a record changed by a reopening is signed anew."""
    mark = uuid.uuid4().hex[:6]
    ticket = _resolved_ticket(gateway, XINXIANG, "shop-terminals", f"打印机无法出章{mark}",
                              f"更换色带{mark}")
    officer = auth("xinxiang", "client_admin")
    path = f"/api/ticketing/service-records/{ticket['number']}"
    record = gateway.get(path, headers=officer).json()
    assert record["handling"] == f"更换色带{mark}" and record["signoff"] is None
    stale = gateway.post(f"{path}/signoff", headers=officer,
                         json={"decision": "accepted", "sha256": "1" * 64})
    assert stale.status_code == 409
    r = gateway.post(f"{path}/signoff", headers=officer,
                     json={"decision": "accepted", "sha256": record["sha256"], "comment": "服务及时"})
    assert r.status_code == 201 and r.json()["signed_by"], r.text
    assert gateway.get(path, headers=XINXIANG).json()["signoff"]["decision"] == "accepted"
    doc = gateway.get("/api/ticketing/service-records", headers=XINXIANG, params=_days()).json()
    form = next(dict(s["tables"][0]["rows"]) for s in doc["sections"][1:] if s["heading"].endswith(
        f"（{ticket['number']}）"))
    assert form["客户意见"] == "验收合格：服务及时" and "系统账号电子签收" in form["客户签字"]
    register = {row[0]: row for row in doc["sections"][0]["tables"][0]["rows"]}
    assert register[ticket["number"]][-1] == "已签收"
    # reopened and resolved again: a new record, not yet signed
    for to, extra in (("acknowledged", {"note": "复发"}), ("resolved", {"note": f"更换打印头{mark}"})):
        assert gateway.post(f"/api/ticketing/tickets/{ticket['id']}/transitions", headers=XINXIANG,
                            json={"to": to, **extra}).status_code == 200
    again = gateway.get(path, headers=officer).json()
    assert again["sha256"] != record["sha256"] and again["signoff"] is None
    assert gateway.post(f"{path}/signoff", headers=XINXIANG, json={
        "decision": "accepted", "sha256": again["sha256"]}).status_code == 403
    assert gateway.get("/api/ticketing/service-records/T1999-000001", headers=officer).status_code == 404

def test_technical_manual_per_system_from_the_knowledge_base(gateway):
    mark = uuid.uuid4().hex[:6]
    year = datetime.now(SHANGHAI).year
    body = {"background": "缴费高峰期订单积压", "applies_to": "业务专网收费系统应用服务器",
            "systems": ["private-net-fee"]}
    method = gateway.post("/api/ticketing/knowledge", headers=XINJIANG, json={
        **body, "title": f"缴费订单积压处理{mark}", "summary": "重启对账任务并补推订单"}).json()
    setting = gateway.post("/api/ticketing/knowledge", headers=XINJIANG, json={
        **body, "title": f"对账任务参数{mark}", "summary": "batch_size=500，间隔60秒",
        "tags": ["参数设置"]}).json()
    solution = f"重启对账任务{mark}"
    _resolved_ticket(gateway, XINJIANG, "private-net-fee", f"订单积压{mark}", solution)
    r = gateway.get("/api/ticketing/manual", headers=XINJIANG, params={"year": year})
    assert r.status_code == 200, r.text
    manual = r.json()
    assert manual["title"].endswith(f"技术服务手册（{year}年度）")
    chapters = {s["heading"].split("　", 1)[1]: s for s in manual["sections"]}
    assert len(chapters) >= 9 and manual["numbers"]["systems"] == 9
    chapter = chapters["业务专网收费系统"]
    text = chapter["paragraphs"]
    split = next(i for i, p in enumerate(text) if p.startswith("（三）参数设置"))
    assert any(method["number"] in p for p in text[:split])
    assert any(setting["number"] in p for p in text[split:]) and "batch_size=500，间隔60秒" in str(text)
    assert "7×24" in text[0]
    recurring = {row[0]: row for row in chapter["tables"][0]["rows"]}
    assert recurring[f"订单积压{mark}"][1] == 1 and recurring[f"订单积压{mark}"][2] == solution
    without = chapters["全区交警罚没缴费业务系统"]
    assert "知识库中尚无本系统的参数设置，请补充。" in without["paragraphs"]
    docx = Document(io.BytesIO(gateway.get("/api/ticketing/manual", headers=XINJIANG,
                                           params={"year": year, "format": "docx"}).content))
    headings = [p.text for p in docx.paragraphs if p.style.name.startswith("Heading")]
    assert any(h.endswith("业务专网收费系统") for h in headings)
    r = gateway.get("/api/ticketing/manual", headers=XINJIANG, params={"year": 1999})
    assert r.status_code == 422
