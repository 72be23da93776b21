"""Periodic reports from what was recorded (zhuhai's monthly report: work log, each fault
with description, handling and outcome; beijing's weekly with next week's plan), as
JSON, DOCX, XLSX and PDF — the PDF rendered to pictures to see the Chinese is drawn."""

from __future__ import annotations

import io
import uuid
from datetime import datetime, timedelta

import pypdfium2 as pdfium
import pytest
from docx import Document
from openpyxl import load_workbook
from opspact.calendar import SHANGHAI
from opspact.testing.plugin import auth
from ticketing.reports import fonts

REPORTS = "/api/ticketing/reports"
ENGINEER = auth("zhuhai", "vendor_engineer")
VIEWER = auth("zhuhai", "client_viewer")


def this_month() -> str:
    return datetime.now(SHANGHAI).strftime("%Y-%m")


def monthly(gateway, fmt: str = "json", headers=VIEWER):
    r = gateway.get(f"{REPORTS}/monthly", headers=headers, params={"period": this_month(), "format": fmt})
    assert r.status_code == 200, r.text
    return r


@pytest.fixture(scope="module")
def recorded(gateway):
    """Two faults on two systems (one resolved with its handling), a consultation, a
    work-log entry: what the month's report must show, counted against before."""
    before = monthly(gateway).json()["numbers"]
    mark = uuid.uuid4().hex[:6]
    made = []
    for system, kind, title in (("smart-station", "incident", f"派出所系统登录失败{mark}"),
                                ("interfaces", "incident", f"视频云人脸接口中断{mark}"),
                                ("smart-station", "consultation", f"如何导出台账{mark}")):
        r = gateway.post("/api/ticketing/tickets", headers=ENGINEER, json={
            "system": system, "kind": kind, "title": title, "description": "民警反映无法使用"})
        assert r.status_code == 201, r.text
        made.append(r.json())
    solution = f"重启认证服务并清理会话缓存{mark}"
    for to, extra in (("acknowledged", {}), ("resolved", {"note": solution})):
        r = gateway.post(f"/api/ticketing/tickets/{made[0]['id']}/transitions", headers=ENGINEER,
                         json={"to": to, **extra})
        assert r.status_code == 200, r.text
    r = gateway.post("/api/ticketing/worklog", headers=ENGINEER, json={
        "category": "fault", "occurred_at": (datetime.now(SHANGHAI) - timedelta(minutes=1)).isoformat(),
        "system": "smart-station", "initiator": "派出所民警", "handler": f"工程师{mark}",
        "handling": "远程协助登录", "feedback": "已恢复", "minutes_spent": 40})
    assert r.status_code == 201, r.text
    return {"before": before, "tickets": made, "solution": solution, "mark": mark}


def test_monthly_report_sections_and_numbers(gateway, recorded):
    report = monthly(gateway).json()
    n, before = report["numbers"], recorded["before"]
    assert n["tickets"] - before["tickets"] == 3
    assert n["incidents"] - before["incidents"] == 2 and n["consultations"] - before["consultations"] == 1
    assert n["resolved"] - before["resolved"] == 1 and n["worklog"] - before["worklog"] == 1
    assert report["title"] == "珠海市公安局 智慧派出所系统运维月报"
    assert report["facts"]["报告期间"].endswith("月")
    headings = [s["heading"] for s in report["sections"]]
    assert headings == ["一、概况", "二、工单统计", "三、故障处理情况", "四、SLA达成情况", "五、巡检情况",
                        "六、工作日志", "七、人员与考勤", "八、付款节点与违约金"]
    faults = {row[0]: row for row in report["sections"][2]["tables"][0]["rows"]}
    resolved, still_open = (faults[t["number"]] for t in recorded["tickets"][:2])
    assert resolved[2] == "智慧派出所系统" and recorded["solution"] == resolved[5]
    assert resolved[6].startswith("已解决") and still_open[6].startswith("处理中")
    assert recorded["tickets"][2]["number"] not in faults  # a consultation is not a fault
    sla = report["sections"][3]
    assert sla["tables"][0]["rows"] and sla["figures"] == ["图2 SLA达成率趋势", "图3 响应时间分布"]
    assert any(recorded["mark"] in str(row) for row in report["sections"][5]["tables"][0]["rows"])
    overview = report["sections"][0]["paragraphs"][0]
    assert f"本期共受理工单{n['tickets']}件" in overview


def test_monthly_report_as_docx_and_xlsx(gateway, recorded):
    doc = Document(io.BytesIO(monthly(gateway, "docx").content))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert "三、故障处理情况" in headings and "六、工作日志" in headings
    cells = {c.text for t in doc.tables for row in t.rows for c in row.cells}
    assert recorded["solution"] in cells and recorded["tickets"][0]["number"] in cells
    assert len(doc.inline_shapes) == 3  # the three charts
    book = load_workbook(io.BytesIO(monthly(gateway, "xlsx").content))
    assert book.sheetnames[0] == "概要" and "表3 故障处理明细" in book.sheetnames
    numbers = [row[0] for row in book["表3 故障处理明细"].iter_rows(min_row=2, values_only=True)]
    assert recorded["tickets"][1]["number"] in numbers


def test_monthly_report_pdf_renders_chinese(gateway, recorded):
    r = monthly(gateway, "pdf")
    assert r.headers["content-type"] == "application/pdf"
    pdf = pdfium.PdfDocument(r.content)
    assert len(pdf) >= 2
    text = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    assert "运维月报" in text and recorded["solution"] in text.replace("\r", "").replace("\n", "")
    report = monthly(gateway).json()
    printed = "".join([report["title"], *(p for s in report["sections"] for p in s["paragraphs"]),
                       *(str(c) for s in report["sections"] for t in s["tables"] for row in t["rows"]
                         for c in row)])
    assert fonts.missing(printed) == set()  # no character the font would draw as a box
    for index in range(min(len(pdf), 3)):
        image = pdf[index].render(scale=1).to_pil().convert("L")
        dark = sum(image.histogram()[:128]) / (image.width * image.height)
        assert 0.002 < dark < 0.5, (index, dark)  # ink on the page, and not a black page
    # a glyph of the font, not a box: two different characters render differently
    first, second = (_glyph(ch) for ch in "运维")
    assert first != second


def _glyph(ch: str) -> bytes:
    from fpdf import FPDF
    doc = FPDF(format=(40, 40))
    doc.add_font("cjk", fname=str(fonts.path()))
    doc.add_page()
    doc.set_font("cjk", size=40)
    doc.text(4, 30, ch)
    page = pdfium.PdfDocument(bytes(doc.output()))[0]
    return page.render(scale=1).to_pil().convert("1").tobytes()


def test_weekly_report_has_next_weeks_plan(gateway):
    week = (datetime.now(SHANGHAI) - timedelta(days=7)).isocalendar()
    r = gateway.get(f"{REPORTS}/weekly", headers=auth("beijing", "client_admin"),
                    params={"period": f"{week[0]}-W{week[1]:02d}"})
    assert r.status_code == 200, r.text
    report = r.json()
    plan = report["sections"][-1]
    # beijing follows faults up (四2(5)): 服务回访与满意度 comes before the people
    assert [s["heading"] for s in report["sections"]][6] == "七、服务回访与满意度"
    assert plan["heading"] == "九、下周工作计划" and plan["tables"][0]["caption"].endswith(" 下周巡检计划")
    assert sum(row[1] for row in plan["tables"][0]["rows"]) > 0  # beijing inspects daily


@pytest.mark.parametrize(("kind", "period", "needle"), [
    ("monthly", "2025-13", "no such monthly period"),
    ("weekly", "2025-03", "2025-W10"),
    ("quarterly", "2025-Q5", "2025-Q1"),
    ("annual", "1999", "out of range"),
])
def test_bad_periods_are_named(gateway, kind, period, needle):
    r = gateway.get(f"{REPORTS}/{kind}", headers=VIEWER, params={"period": period})
    assert r.status_code == 422 and needle in r.text, r.text
    assert r.headers["content-type"].startswith("application/problem+json")


def test_quarterly_and_annual_analysis(gateway):
    year = datetime.now(SHANGHAI).year
    q = gateway.get(f"{REPORTS}/quarterly", headers=VIEWER, params={"period": f"{year}-Q1"}).json()
    assert q["sections"][1]["heading"] == "二、总体运行分析"
    assert [row[0] for row in q["sections"][1]["tables"][0]["rows"]] == ["1月", "2月", "3月"]
    a = gateway.get(f"{REPORTS}/annual", headers=VIEWER, params={"period": str(year)}).json()
    # zhuhai's year is its service year, 11-09 to 11-08: thirteen calendar months touched
    months = [row[0] for row in a["sections"][1]["tables"][0]["rows"]]
    assert len(months) == 13 and months[0] == months[-1] == "11月"
    assert a["sections"][-1]["heading"].endswith("存在的不足")
    assert gateway.get(f"{REPORTS}/monthly", headers=auth("zhuhai", "integration")).status_code == 403


def test_zhuhai_half_year_report_over_the_service_year(gateway):
    """"对系统及设备日常巡检，按周、月、半年频率提供巡检报告和故障分析报告": 2023-H2 is the second
    half of the service year 2023 (2024-05-09 to 2024-11-08), analysed month by month."""
    r = gateway.get(f"{REPORTS}/half_yearly", headers=VIEWER, params={"period": "2023-H2"})
    assert r.status_code == 200, r.text
    report = r.json()
    assert report["title"].endswith("运维半年报告")
    assert report["facts"]["统计区间"] == "2024-05-09 至 2024-11-08"
    months = [row[0] for row in report["sections"][1]["tables"][0]["rows"]]
    assert months[0] == "5月" and months[-1] == "11月" and len(months) == 7
    docx = gateway.get(f"{REPORTS}/half_yearly", headers=VIEWER,
                       params={"period": "2023-H2", "format": "docx"})
    assert docx.status_code == 200 and docx.content[:2] == b"PK"
    bad = gateway.get(f"{REPORTS}/half_yearly", headers=VIEWER, params={"period": "2023-H3"})
    assert bad.status_code == 422 and "2025-H1" in bad.text
