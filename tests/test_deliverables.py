"""Deliverables (交付物) and the client's sign-off (签收/验收), through the gateway on the real
stack: the register's due dates from each contract's own dates, a version uploaded, rejected
with a reason, uploaded again and accepted — the acceptance that is 验收合格 giving billing its
date — the notices of what is due, overdue and waiting for a signature, and an archived
report signed off on the exact bytes read."""

from __future__ import annotations

import asyncio
import hashlib
import io
import zipfile
from datetime import date, datetime

from opspact.calendar import SHANGHAI
from opspact.db import Database
from opspact.testing.plugin import auth, wait_until
from opspact.testing.probes import query

API = "/api/ticketing/deliverables"
MANAGER = {t: auth(t, "vendor_manager") for t in ("xinjiang", "xinxiang", "zhuhai", "beijing", "wuqia")}
OFFICER = {t: auth(t, "client_admin") for t in MANAGER}
PDF = "%PDF-1.4\n% 验收材料（测试）\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".encode()
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def docx(text: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", f"<w:document>{text}</w:document>")
    return out.getvalue()


def upload(gateway, tenant: str, code: str, period: str, data: bytes, filename: str,
           headers: dict | None = None, **params):
    return gateway.post(f"{API}/{code}/{period}/versions", content=data,
                        params={"filename": filename, **params},
                        headers={**(headers or MANAGER[tenant]), "Content-Type": "application/octet-stream"})


def sign(gateway, tenant: str, code: str, period: str, version: int, body: dict, headers=None):
    return gateway.post(f"{API}/{code}/{period}/versions/{version}/signoff", json=body,
                        headers=headers or OFFICER[tenant])


def register(gateway, tenant: str, **params) -> dict:
    r = gateway.get(API, headers=MANAGER[tenant], params=params)
    assert r.status_code == 200, r.text
    return r.json()


def by_key(page: dict) -> dict:
    return {(d["code"], d["period"]): d for d in page["items"]}


def test_the_register_dates_each_deliverable_from_the_contract(gateway):
    xinjiang = by_key(register(gateway, "xinjiang", limit=500))
    # 第二期："服务期满前一个月由甲方组织对项目进行验收" — the term ends 2025-12-15
    assert xinjiang[("acceptance", "once")]["due_on"] == "2025-11-15"
    assert xinjiang[("acceptance", "once")]["records"] == "acceptance"
    # every month of the term (2024-12-16 … 2025-12-15): due on its last day in the term
    months = sorted(p for c, p in xinjiang if c == "training-record")
    assert months[0] == "2024-12" and months[-1] == "2025-12" and len(months) == 13
    assert xinjiang[("training-record", "2024-12")]["due_on"] == "2024-12-31"
    assert xinjiang[("training-record", "2025-12")]["due_on"] == "2025-12-15"
    assert xinjiang[("training-record", "2025-02")]["label"] == "2025年2月信息保密安全培训情况"
    # xinxiang 七3 "签订合同后3日内": signed 2024-11-12
    on_site = by_key(register(gateway, "xinxiang"))[("on-site", "once")]
    assert on_site["due_on"] == "2024-11-15" and on_site["clause"].startswith("3、 签订合同后3日内")
    # zhuhai: 10 working days from 2023-11-09 (Thu): 10, 13–17, 20–23 November
    zhuhai = by_key(register(gateway, "zhuhai"))
    assert zhuhai[("om-plan", "once")]["due_on"] == "2023-11-23"
    assert zhuhai[("om-plan", "once")]["reading"].startswith("“实施初期”未给天数")
    # no deadline in the contract: listed, never overdue
    assert (zhuhai[("acceptance", "once")]["due_on"], zhuhai[("acceptance", "once")]["undated"]) == \
        (None, "合同未约定期限")
    # wuqia 七 "完成时限：60 日" from signing on 2023-11-30; beijing: 15 days after 2027-05-28
    wuqia = by_key(register(gateway, "wuqia"))
    assert wuqia[("delivery", "once")]["due_on"] == "2024-01-29"
    # beijing's 年度总结 is the annual report, due 15 days after the term (2027-05-28)
    annual = by_key(register(gateway, "beijing"))[("report-annual", "2026")]
    assert (annual["due_on"], annual["state"], annual["name"]) == ("2027-06-12", "due", "年度报告")
    assert annual["clause"].startswith("乙方应在运维合同服务结束后 15 日内")
    assert ("report-annual", "2026") not in by_key(register(gateway, "beijing", reports="false"))


def test_the_register_filters_and_refuses_what_it_does_not_hold(gateway):
    page = register(gateway, "xinxiang", state="overdue")
    assert all(d["state"] == "overdue" and d["late"] for d in page["items"])
    assert page["counts"].get("overdue", 0) >= page["total"]
    viewer = gateway.get(API, headers=auth("zhuhai", "client_viewer"))
    assert viewer.status_code == 200
    missing = gateway.get(f"{API}/no-such/once", headers=MANAGER["zhuhai"])
    assert missing.status_code == 404 and "om-plan, acceptance" in missing.json()["detail"]
    outside = gateway.get(f"{API}/training-record/2030-01", headers=MANAGER["xinjiang"])
    assert outside.status_code == 404 and "no period '2030-01'" in outside.json()["detail"]
    bad = gateway.get(f"{API}/om-plan/someday", headers=MANAGER["zhuhai"])
    assert bad.status_code == 422 and bad.headers["content-type"].startswith("application/problem+json")


def test_bad_uploads_say_what_is_wrong_and_leave_nothing(stack, gateway):
    period = "2025-01"
    cases = [(PNG, "培训签到表.pdf", 415, "named as PDF but its bytes are PNG"),
             (b"just words", "培训情况.txt", 415, "a deliverable is a Word, Excel"),
             (b"PK\x05\x06" + b"\x00" * 18, "资料.zip", 415, "ZIP"),
             (b"", "空.pdf", 422, "the body is empty"),
             (PDF + b"0" * (20 * 1024 * 1024), "大.pdf", 413, "at most 20,971,520")]
    for data, name, status, words in cases:
        r = upload(gateway, "xinjiang", "training-record", period, data, name)
        assert r.status_code == status and words in r.json()["detail"], (name, r.text)
    r = upload(gateway, "xinjiang", "training-record", period, PDF, "x.pdf", headers=OFFICER["xinjiang"])
    assert r.status_code == 403  # the client signs, the vendor submits
    assert query(stack, "SELECT count(*) AS n FROM ticketing.deliverables WHERE tenant_id = 'xinjiang' "
                        "AND code = 'training-record' AND period = $1", period)[0]["n"] == 0


def _acceptance_date(stack, tenant: str):
    rows = query(stack, "SELECT \"on\", evidence FROM billing.contract_dates "
                        "WHERE tenant_id = $1 AND kind = 'acceptance'", tenant)
    return rows[0] if rows else None


def test_rejected_then_accepted_and_the_acceptance_is_billings_date(stack, gateway):
    """zhuhai: the acceptance pack submitted, rejected with the reason, submitted again and
    accepted on its SHA-256; 验收合格 is then billing's acceptance date."""
    before = _acceptance_date(stack, "zhuhai")
    first = docx("验收材料 第一稿")
    r = upload(gateway, "zhuhai", "acceptance", "once", first, "验收材料.docx", note="第一稿")
    assert r.status_code == 201, r.text
    d = r.json()
    assert (d["state"], d["versions"], d["latest"]["version"]) == ("submitted", 1, 1)
    assert d["latest"]["sha256"] == hashlib.sha256(first).hexdigest() and d["latest"]["kind"] == "Word 文档"
    got = gateway.get(f"/api/ticketing{d['latest']['href']}", headers=OFFICER["zhuhai"])
    assert got.status_code == 200 and got.content == first
    assert got.headers["x-content-sha256"] == d["latest"]["sha256"]
    # the client's officer is told a signature waits
    wait_until(lambda: query(stack, "SELECT 1 FROM notify.notifications WHERE tenant_id = 'zhuhai' AND "
                                    "source_event_type = 'ticketing.deliverable.submitted.v1' AND "
                                    "contact = 'client-admin'"), message="the submission notice")
    sha1 = d["latest"]["sha256"]
    assert sign(gateway, "zhuhai", "acceptance", "once", 1, {"decision": "accepted", "sha256": sha1},
                headers=MANAGER["zhuhai"]).status_code == 403
    wrong = sign(gateway, "zhuhai", "acceptance", "once", 1, {"decision": "accepted", "sha256": "0" * 64})
    assert wrong.status_code == 409 and "download it again" in wrong.json()["detail"]
    reasonless = sign(gateway, "zhuhai", "acceptance", "once", 1, {"decision": "rejected", "sha256": sha1})
    assert reasonless.status_code == 422 and "reason" in reasonless.text
    reject = {"decision": "rejected", "sha256": sha1, "comment": "缺少第四季度报告，请补齐后重新提交"}
    r = sign(gateway, "zhuhai", "acceptance", "once", 1, reject)
    assert r.status_code == 201 and r.json()["method"] == "token", r.text
    assert sign(gateway, "zhuhai", "acceptance", "once", 1, reject).status_code == 200  # asked again
    other = sign(gateway, "zhuhai", "acceptance", "once", 1, {"decision": "accepted", "sha256": sha1})
    assert other.status_code == 409 and "already rejected" in other.json()["detail"]
    d = gateway.get(f"{API}/acceptance/once", headers=MANAGER["zhuhai"]).json()
    assert d["state"] == "rejected" and d["latest"]["signoff"]["comment"].startswith("缺少第四季度")
    # the answer to a rejection is a new version
    r = upload(gateway, "zhuhai", "acceptance", "once", PDF, "验收材料（修订）.pdf", note="补齐季度报告")
    assert r.status_code == 201 and r.json()["state"] == "submitted", r.text
    sha2 = r.json()["latest"]["sha256"]
    stale = sign(gateway, "zhuhai", "acceptance", "once", 1, {"decision": "accepted", "sha256": sha1})
    assert stale.status_code == 409 and "sign the latest" in stale.json()["detail"]
    r = sign(gateway, "zhuhai", "acceptance", "once", 2, {"decision": "accepted", "sha256": sha2,
                                                         "comment": "验收合格"})
    assert r.status_code == 201, r.text
    d = gateway.get(f"{API}/acceptance/once", headers=auth("zhuhai", "auditor")).json()
    assert (d["state"], d["accepted"]["version"], d["late"]) == ("accepted", 2, False)
    assert [v["signoff"]["decision"] for v in d["history"]] == ["rejected", "accepted"]
    today = datetime.now(SHANGHAI).date()
    try:
        recorded = wait_until(lambda: (row := _acceptance_date(stack, "zhuhai")) and row["on"] == today
                              and row, timeout=60, message="billing to take the date from the sign-off")
        assert "甲方签收" in recorded["evidence"] and sha2 in recorded["evidence"]
        final = next(m for m in gateway.get("/api/billing/milestones", headers=MANAGER["zhuhai"]).json()
                     if m["code"] == "final")
        assert final["trigger_on"] == today.isoformat()  # 服务期满并验收合格: the later of the two
        # a later version needs its own acceptance; the accepted one stays what it was
        r = upload(gateway, "zhuhai", "acceptance", "once", docx("验收材料 第三稿"), "验收材料3.docx")
        assert (r.json()["state"], r.json()["accepted"]["version"]) == ("submitted", 2)
    finally:  # the other tests know zhuhai's acceptance as they set it
        if before is None:
            query(stack, "DELETE FROM billing.contract_dates "
                         "WHERE tenant_id = 'zhuhai' AND kind = 'acceptance'")
        else:
            gateway.put("/api/billing/contract-dates/acceptance", headers=OFFICER["zhuhai"],
                        json={"on": before["on"].isoformat(), "evidence": before["evidence"]})


def test_due_and_overdue_are_announced_once(stack):
    """xinxiang's 到位确认单 is due 2024-11-15: the due notice three days before, the overdue
    notice the day after, each once (looked at on past days, so the running watch, which
    looks at today, never races the test)."""
    from ticketing.deliverables.service import announce

    async def look(day: date) -> int:
        db = Database(stack.app_database_url("ticketing"), 1)
        try:
            async with db.unit_of_work("xinxiang") as session:
                return await announce(session, "xinxiang", day)
        finally:
            await db.dispose()

    assert asyncio.run(look(date(2024, 11, 11))) == 0  # four days before: not yet
    assert asyncio.run(look(date(2024, 11, 12))) == 1
    assert asyncio.run(look(date(2024, 11, 13))) == 0
    assert asyncio.run(look(date(2024, 11, 16))) == 1
    assert asyncio.run(look(date(2024, 11, 17))) == 0
    assert asyncio.run(look(date(2024, 12, 31))) == 0  # a month on: in the register, not news
    bodies = wait_until(lambda: len(rows := query(
        stack, "SELECT DISTINCT body FROM notify.notifications WHERE tenant_id = 'xinxiang' AND "
               "source_event_type LIKE 'ticketing.deliverable.%' AND contact = 'vendor-manager'"))
        >= 2 and rows, message="both notices")
    texts = {b["body"] for b in bodies}
    assert texts == {"驻场人员及备品备件到位确认单应于2024年11月15日前提交甲方，还有3天，请准备并上传。",
                     "驻场人员及备品备件到位确认单应于2024年11月15日前提交甲方，已逾期1天，请尽快提交。"}


def test_the_client_signs_off_an_archived_report(stack, gateway):
    archive = "/api/ticketing/report-archive"
    r = gateway.post(archive, headers=MANAGER["zhuhai"], json={"kind": "monthly", "period": "2024-05"})
    assert r.status_code in (200, 201), r.text
    first = r.json()
    assert first["signoff"] is None
    pdf = {f["format"]: f["sha256"] for f in first["files"]}
    r = gateway.post(f"{archive}/{first['id']}/signoff", headers=OFFICER["zhuhai"],
                     json={"decision": "rejected", "sha256": pdf["pdf"], "comment": "故障分析缺少根因"})
    assert r.status_code == 201 and r.json()["part"] == "pdf", r.text
    listed = gateway.get(archive, headers=auth("zhuhai", "client_viewer"),
                         params={"kind": "monthly", "period": "2024-05"}).json()["items"]
    assert listed[-1]["signoff"]["decision"] == "rejected"
    r = gateway.post(archive, headers=MANAGER["zhuhai"], json={
        "kind": "monthly", "period": "2024-05", "again": True, "reason": "补充故障根因分析"})
    assert r.status_code == 201, r.text
    second = r.json()
    late = gateway.post(f"{archive}/{first['id']}/signoff", headers=OFFICER["zhuhai"],
                        json={"decision": "accepted", "sha256": pdf["pdf"]})
    assert late.status_code == 409 and "published again" in late.json()["detail"]
    docx_sha = {f["format"]: f["sha256"] for f in second["files"]}["docx"]
    wrong_file = gateway.post(f"{archive}/{second['id']}/signoff", headers=OFFICER["zhuhai"],
                              json={"decision": "accepted", "sha256": docx_sha})  # format pdf
    assert wrong_file.status_code == 409
    r = gateway.post(f"{archive}/{second['id']}/signoff", headers=OFFICER["zhuhai"],
                     json={"decision": "accepted", "sha256": docx_sha, "format": "docx"})
    assert r.status_code == 201 and r.json()["sha256"] == docx_sha, r.text
    got = gateway.get(f"{archive}/{second['id']}", headers=MANAGER["zhuhai"]).json()
    assert got["signoff"]["decision"] == "accepted" and got["signoff"]["signed_by"]
    row = by_key(register(gateway, "zhuhai", code="report-monthly"))[("report-monthly", "2024-05")]
    assert (row["state"], row["versions"], row["accepted"]["version"]) == ("accepted", 2, 2)
    assert row["latest"]["href"] == f"/report-archive/{second['id']}/pdf"
    # the month's own message: other tests have zhuhai's officer accept other months
    sent = wait_until(lambda: query(stack, "SELECT body FROM notify.notifications WHERE tenant_id = 'zhuhai' "
                                           "AND source_event_type = 'ticketing.report.accepted.v1' "
                                           "AND body LIKE '2024年5月%'"),
                      message="the vendor told of the acceptance")
    assert sent[0]["body"].startswith("2024年5月月报（第2版）甲方已签收")


def test_the_dossier_carries_the_accepted_bytes_and_every_signoff(stack, gateway, tmp_path, monkeypatch,
                                                                 capsys):
    """After the tests above: zhuhai's acceptance pack accepted at version 2 (a version 3
    waits), its 运维方案 never submitted, the May report accepted at version 2."""
    import json

    from openpyxl import load_workbook
    from opspact.cli.main import main as cli
    monkeypatch.setenv("OPSPACT_URL", stack.url("gateway"))
    monkeypatch.delenv("OPSPACT_TOKEN", raising=False)
    out = tmp_path / "pack.zip"
    assert cli(["report", "dossier", "--tenant", "zhuhai", "--from", "2024-05-27", "--to", "2024-06-02",
                "--out", str(out)]) == 0, capsys.readouterr().err
    archive = zipfile.ZipFile(out)
    accepted = [n for n in archive.namelist() if n.startswith("交付物/")]
    assert accepted == ["交付物/项目验收（验收材料及验收报告）-第2版-验收材料（修订）.pdf"]
    assert archive.read(accepted[0]) == PDF
    listed = list(load_workbook(io.BytesIO(archive.read("00-目录.xlsx")))["签收记录"]
                  .iter_rows(min_row=2, values_only=True))
    rows = {(r[1], r[3]): r for r in listed}
    pack = rows[("项目验收（验收材料及验收报告）", "第2版")]
    assert (pack[3], pack[4], pack[5], pack[7]) == \
        ("第2版", hashlib.sha256(PDF).hexdigest(), "已签收", "账号登录")
    assert rows[("整体运维工作方案", "未提交")][3:6] == ("未提交", None, "未签收")
    # every archived version is listed with its own decision
    assert rows[("2024年5月月报", "第2版")][5] == "已签收" and rows[("2024年5月月报", "第1版")][5] == "退回"
    manifest = json.loads(archive.read("manifest.json"))
    assert {s["name"] for s in manifest["signoffs"]} >= {"整体运维工作方案", "2024年5月月报"}
