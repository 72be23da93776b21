"""The parts of a report other services give: inventory's staffing summary (beijing's
weekly attendance statistics, the staffing table) and billing's statement (damages and
milestones), read by ticketing with the read-only tokens the gateway delegates."""

from __future__ import annotations

import uuid

import httpx
import pytest
from opspact.auth import Principal, issue_internal
from opspact.testing.plugin import auth

BEIJING = auth("beijing", "vendor_manager")
WEEK, FIRST, LAST = "2024-W03", "2024-01-15", "2024-01-21"  # Mon 15 – Sun 21 Jan 2024, no holiday


def at(day: int, hour: int) -> str:
    return f"2024-01-{day:02d}T{hour:02d}:00:00+08:00"


@pytest.fixture(scope="module")
def rostered_week(gateway) -> dict[str, str]:
    """Once per run (coverage counts every shift of the week). One person on each beijing
    post: the 5×8 post covered all week, one of the two 7×8 people every day, the 7×24
    post for a day and a night."""
    run = uuid.uuid4().hex[:4]
    codes = {"day": f"bd-{run}", "extended": f"be-{run}", "around-the-clock": f"br-{run}"}
    for post, code in codes.items():
        r = gateway.post("/api/inventory/staff", headers=BEIJING, json={
            "code": code, "name": f"工程师{run}{post[0]}", "role": "驻场工程师", "post": post,
            "paperwork": {"security_trainings": ["2024-01-17", "2024-02-20"]} if post == "day" else {}})
        assert r.status_code == 201, r.text
    shifts = [("day", codes["day"], at(d, 9), at(d, 17)) for d in range(15, 20)]
    shifts += [("extended", codes["extended"], at(d, 9), at(d, 17)) for d in range(15, 22)]
    shifts += [("around-the-clock", codes["around-the-clock"], at(15, 0), at(16, 0)),
               ("around-the-clock", codes["around-the-clock"], at(16, 20), at(17, 8))]
    r = gateway.post("/api/inventory/roster/shifts", headers=BEIJING, json={"shifts": [
        {"post": p, "staff": s, "starts_at": a, "ends_at": b} for p, s, a, b in shifts]})
    assert r.status_code == 201, r.text
    return codes


def test_staffing_summary_counts_attendance_coverage_and_trainings(gateway, rostered_week):
    codes = rostered_week
    r = gateway.get("/api/inventory/summary/staffing", headers=BEIJING, params={"from": FIRST, "to": LAST})
    assert r.status_code == 200, r.text
    summary = r.json()
    attendance = {a["staff"]: (a["shifts"], a["days"], a["hours"]) for a in summary["attendance"]}
    assert attendance[codes["day"]] == (5, 5, 40.0)
    assert attendance[codes["extended"]] == (7, 7, 56.0)
    assert attendance[codes["around-the-clock"]] == (2, 3, 36.0)  # a day, then a night over two dates
    posts = {p["post"]: p for p in summary["posts"]}
    assert (posts["day"]["required_hours"], posts["day"]["gap_hours"]) == (40.0, 0.0)
    assert posts["day"]["covered_percent"] == 100.0
    # 7×8 needs two people: one of them every day leaves half the person-hours open
    assert (posts["extended"]["required_hours"], posts["extended"]["gap_hours"]) == (112.0, 56.0)
    assert posts["around-the-clock"]["required_hours"] == 168.0
    assert posts["around-the-clock"]["gap_hours"] == 132.0
    assert {(t["on"], t["staff"]) for t in summary["trainings"]} >= {("2024-01-17", codes["day"])}
    assert not [t for t in summary["trainings"] if t["on"] == "2024-02-20"]
    listed = {s["code"]: s for s in summary["staff"]}
    assert listed[codes["day"]]["post_name"] == "5×8岗"
    assert any(r["role"] == "驻场工程师" and r["count"] >= 3 for r in summary["structure"])


def test_staffing_summary_refuses_bad_periods(gateway):
    for params, needle in (({"from": "2024-02-01", "to": "2024-01-01"}, "before"),
                           ({"from": "2023-01-01", "to": "2024-12-31"}, "at most 400 days"),
                           ({"from": "2024-01-01"}, "to")):
        r = gateway.get("/api/inventory/summary/staffing", headers=BEIJING, params=params)
        assert r.status_code == 422 and needle in r.text, r.text
        assert r.headers["content-type"].startswith("application/problem+json")


def test_weekly_report_shows_attendance_as_inventory_counts_it(gateway, rostered_week):
    codes = rostered_week
    summary = gateway.get("/api/inventory/summary/staffing", headers=BEIJING,
                          params={"from": FIRST, "to": LAST}).json()
    r = gateway.get("/api/ticketing/reports/weekly", headers=BEIJING, params={"period": WEEK})
    assert r.status_code == 200, r.text
    report = r.json()
    headings = [s["heading"] for s in report["sections"]]
    assert headings[-3:] == ["七、服务回访与满意度", "八、人员与考勤", "九、下周工作计划"]
    people = report["sections"][-2]
    assert report["numbers"]["staff"] == len(summary["staff"])
    assert report["numbers"]["attendance_hours"] == f"{sum(a['hours'] for a in summary['attendance']):g}"
    tables = {t["caption"].split(" ", 1)[1]: t for t in people["tables"]}
    attendance = {row[0]: row[2:] for row in tables["考勤统计（按排班）"]["rows"]}
    assert attendance[codes["extended"]] == [7, 7, "56"]
    coverage = {row[0]: row[3:] for row in tables["岗位覆盖情况"]["rows"]}
    assert coverage["7×8岗"] == ["112", "56", "50.0%"]
    assert "安全培训记录" in tables
    captions = [t["caption"] for s in report["sections"] for t in s["tables"]]
    assert [c.split(" ")[0] for c in captions] == [f"表{n}" for n in range(1, len(captions) + 1)]


def test_weekly_report_sets_recorded_attendance_against_the_roster(gateway, rostered_week):
    """Attendance as it happened (a door system's export for the 5×8 engineer: late on
    Monday, on time on Tuesday, nothing after): the shifts nobody checked into are absent."""
    code = rostered_week["day"]
    export = (f"工号,签到时间,签退时间\n{code},{FIRST} 09:25,{FIRST} 17:00\n"
              f"{code},2024-01-16 08:55,2024-01-16 17:10\n").encode()
    imported = gateway.post("/api/inventory/attendance/import", content=export,
                            headers={**BEIJING, "Content-Type": "text/csv"})
    assert imported.status_code == 200, imported.text
    r = gateway.get("/api/ticketing/reports/weekly", headers=BEIJING, params={"period": WEEK})
    assert r.status_code == 200, r.text
    people = next(s for s in r.json()["sections"] if s["heading"].endswith("人员与考勤"))
    tables = {t["caption"].split(" ", 1)[1]: t for t in people["tables"]}
    rows = {row[0]: row[2:] for row in tables["考勤记录（按签到，对照排班）"]["rows"]}
    # shifts, attended, late, absent, shift hours covered (7 h 35 min + 8 h), hours checked in
    # (7 h 35 min + 8 h 15 min)
    assert rows[code] == [5, 2, 1, 3, "15.58", "15.83"]
    assert any("缺勤" in p and "岗位未覆盖" in p and "5×8岗" in p for p in people["paragraphs"])


def test_monthly_report_money_equals_the_statement(gateway):
    manager = auth("xinxiang", "vendor_manager")
    month, first, last = "2025-11", "2025-11-01", "2025-11-30"
    statement = gateway.get("/api/billing/statement", headers=manager,
                            params={"from": first, "to": last}).json()
    r = gateway.get("/api/ticketing/reports/monthly", headers=manager, params={"period": month})
    assert r.status_code == 200, r.text
    report = r.json()
    money = next(s for s in report["sections"] if s["heading"].endswith("付款节点与违约金"))
    net = statement["totals"]["net_receivable"]
    assert report["numbers"]["net_receivable"] == net["value"]
    assert f"期末净应收{net['figures']}（大写：{net['capitals']}）" in money["paragraphs"][1]
    milestones, damages = money["tables"]
    assert [row[0] for row in milestones["rows"]] == [m["name"] for m in statement["milestones"]]
    assert len(damages["rows"]) == len(statement["damages"])
    # a viewer may read the report, not the contract's money: the section says so
    viewer = gateway.get("/api/ticketing/reports/monthly", headers=auth("xinxiang", "client_viewer"),
                         params={"period": month}).json()
    denied = next(s for s in viewer["sections"] if s["heading"].endswith("付款节点与违约金"))
    assert "无权查看" in denied["paragraphs"][0] and not denied["tables"]
    assert "net_receivable" not in viewer["numbers"]


def test_delegated_tokens_read_only_and_only_through_the_gateway(stack):
    principal = Principal("report-reader", "beijing", ("vendor_manager",))
    delegated = issue_internal(stack.private_key, principal, "inventory", actor="ticketing")
    headers = {"Authorization": f"Bearer {delegated}"}
    inventory = stack.url("inventory")
    r = httpx.get(f"{inventory}/summary/staffing", headers=headers, params={"from": FIRST, "to": LAST})
    assert r.status_code == 200, r.text
    r = httpx.post(f"{inventory}/staff", headers=headers, json={
        "code": "never", "name": "占位", "role": "驻场工程师"})
    assert r.status_code == 403 and "may only read" in r.json()["detail"]
    # ticketing asked directly carries no delegation: it will not build half a report
    own = issue_internal(stack.private_key, principal, "ticketing")
    r = httpx.get(f"{stack.url('ticketing')}/reports/weekly", params={"period": WEEK},
                  headers={"Authorization": f"Bearer {own}"}, timeout=30)
    assert r.status_code == 400 and "through the gateway" in r.json()["detail"]


def test_a_year_without_a_holiday_calendar_is_said_not_guessed(gateway):
    r = gateway.get("/api/inventory/summary/staffing", headers=BEIJING,
                    params={"from": "2027-01-01", "to": "2027-01-31"})
    assert r.status_code == 200, r.text
    posts = {p["post"]: p for p in r.json()["posts"]}
    assert posts["day"]["required_hours"] is None and "2027" in posts["day"]["note"]
    assert posts["around-the-clock"]["required_hours"] == 31 * 24.0  # needs no calendar
    gaps = gateway.get("/api/inventory/roster/gaps", headers=BEIJING, params={
        "from": "2027-01-04T00:00:00+08:00", "to": "2027-01-06T00:00:00+08:00"})
    assert gaps.status_code == 422 and "国务院办公厅关于2027年" in gaps.text, gaps.text
