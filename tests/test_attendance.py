"""Attendance as it happened (考勤): engineers check in and out, managers correct, and the
roster is set against it — late, absent, hours, posts left uncovered; a shift nobody checked
into is announced once."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

from opspact.cli.common import dev_token
from opspact.db import Database
from opspact.testing.plugin import auth, wait_until
from opspact.testing.probes import query

MANAGER = auth("xinjiang", "vendor_manager")
INVENTORY = "/api/inventory"


def engineer(gateway) -> tuple[str, dict]:
    code = f"att-{uuid.uuid4().hex[:6]}"
    r = gateway.post(f"{INVENTORY}/staff", headers=MANAGER, json={
        "code": code, "name": "工程师乙", "role": "驻场工程师", "post": "hq"})
    assert r.status_code == 201, r.text
    return code, {"Authorization": f"Bearer {dev_token(['xinjiang'], ['vendor_engineer'], code)}"}


def test_an_engineer_checks_in_and_out_only_themself(gateway):
    code, me = engineer(gateway)
    other, _ = engineer(gateway)
    r = gateway.post(f"{INVENTORY}/attendance/check-in", headers=me, json={})
    assert r.status_code == 201 and r.json()["staff"] == code and r.json()["source"] == "self"
    again = gateway.post(f"{INVENTORY}/attendance/check-in", headers=me, json={})
    assert again.status_code == 409 and "check out first" in again.json()["detail"]
    for body in ({"staff": other}, {"at": "2026-01-01T09:00:00+08:00"}):
        refused = gateway.post(f"{INVENTORY}/attendance/check-in", headers=me, json=body)
        assert refused.status_code == 403, body
    out = gateway.post(f"{INVENTORY}/attendance/check-out", headers=me, json={"note": "下班"})
    assert out.status_code == 200 and out.json()["check_out_at"] and out.json()["hours"] is not None
    assert gateway.post(f"{INVENTORY}/attendance/check-out", headers=me, json={}).status_code == 409
    nobody = gateway.post(f"{INVENTORY}/attendance/check-in", headers=MANAGER, json={"staff": "nobody-x"})
    assert nobody.status_code == 404
    viewer = gateway.post(f"{INVENTORY}/attendance/check-in", headers=auth("xinjiang", "client_admin"),
                          json={})
    assert viewer.status_code == 403


def test_the_roster_set_against_attendance(gateway):
    """Three shifts on 2025-06-02 (Asia/Shanghai): on time, 30 minutes late, and nobody came."""
    punctual, late, absent = (engineer(gateway)[0] for _ in range(3))
    shifts = [{"post": "hq", "staff": s, "starts_at": "2025-06-02T10:00:00+08:00",
               "ends_at": "2025-06-02T18:00:00+08:00"} for s in (punctual, late, absent)]
    r = gateway.post(f"{INVENTORY}/roster/shifts", headers=MANAGER, json={"shifts": shifts})
    assert r.status_code == 201, r.text
    for staff, came in ((punctual, "09:55"), (late, "10:30")):
        r = gateway.post(f"{INVENTORY}/attendance/check-in", headers=MANAGER, json={
            "staff": staff, "at": f"2025-06-02T{came}:00+08:00", "note": "补录"})
        assert r.status_code == 201 and r.json()["source"] == "manager", r.text
        r = gateway.post(f"{INVENTORY}/attendance/check-out", headers=MANAGER, json={
            "staff": staff, "at": "2025-06-02T18:05:00+08:00"})
        assert r.status_code == 200, r.text
    report = gateway.get(f"{INVENTORY}/attendance/report", headers=auth("xinjiang", "client_admin"),
                         params={"from": "2025-06-02", "to": "2025-06-02"}).json()
    mine = {r["staff"]: r for r in report["shifts"] if r["staff"] in (punctual, late, absent)}
    assert (mine[punctual]["late_minutes"], mine[punctual]["hours"]) == (0, 8.0)
    assert (mine[late]["late_minutes"], mine[late]["hours"]) == (30, 7.5)
    assert (mine[absent]["absent"], mine[absent]["checked_in_at"], mine[absent]["hours"]) == (True, None, 0)
    people = {p["staff"]: p for p in report["people"]}
    assert people[late]["late"] == 1 and people[punctual]["hours"] == 8.17
    assert people[absent]["absent"] == 1 and people[absent]["hours"] == 0
    assert report["uncovered_hours_by_post"]["hq"] >= 0.5 + 8  # late's half hour, absent's day
    opened = gateway.post(f"{INVENTORY}/attendance/check-in", headers=MANAGER, json={
        "staff": absent, "at": "2025-06-03T12:00:00+08:00"})
    assert opened.status_code == 201
    backwards = gateway.post(f"{INVENTORY}/attendance/check-out", headers=MANAGER, json={
        "staff": absent, "at": "2025-06-03T11:00:00+08:00"})
    assert backwards.status_code == 422 and "after the check-in" in backwards.text
    listed = gateway.get(f"{INVENTORY}/attendance", headers=MANAGER,
                         params={"from": "2025-06-02", "to": "2025-06-02", "staff": late}).json()
    assert listed["total"] == 1 and listed["items"][0]["hours"] == 7.58
    too_long = gateway.get(f"{INVENTORY}/attendance/report", headers=MANAGER,
                           params={"from": "2025-01-01", "to": "2025-06-30"})
    assert too_long.status_code == 422


def test_a_shift_nobody_checked_into_is_announced_once(stack, gateway):
    code, _ = engineer(gateway)
    start = datetime(2025, 7, 1, 2, 0, tzinfo=UTC)  # 10:00 in Urumqi's Beijing time
    r = gateway.post(f"{INVENTORY}/roster/shifts", headers=MANAGER, json={"shifts": [{
        "post": "hq", "staff": code, "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=8)).isoformat()}]})
    assert r.status_code == 201, r.text

    async def look(at: datetime) -> int:
        from inventory.attendance.service import announce_missed
        db = Database(stack.app_database_url("inventory"), 1)
        try:
            async with db.unit_of_work("xinjiang") as session:
                return await announce_missed(session, "xinjiang", at)
        finally:
            await db.dispose()

    assert asyncio.run(look(start + timedelta(minutes=10))) == 0  # within the grace
    assert asyncio.run(look(start + timedelta(minutes=20))) >= 1
    assert asyncio.run(look(start + timedelta(minutes=30))) == 0  # once per shift
    sql = ("SELECT body FROM notify.notifications WHERE tenant_id = 'xinjiang' "
           "AND source_event_type = 'inventory.attendance.missed.v1' AND body LIKE $1")
    note = wait_until(lambda: query(stack, sql, f"{code}%"))
    assert "仍未签到" in note[0]["body"] and "20分钟" in note[0]["body"]


def test_a_door_system_export_is_imported_once_and_set_against_the_roster(stack, gateway):
    code, _ = engineer(gateway)
    day = "2026-11-23"  # a Monday
    shift = gateway.post(f"{INVENTORY}/roster/shifts", headers=MANAGER, json={"shifts": [
        {"post": "hq", "staff": code, "starts_at": f"{day}T10:00:00+08:00",
         "ends_at": f"{day}T18:00:00+08:00"}]})
    assert shift.status_code in (200, 201), shift.text
    export = (f"工号,姓名,日期,上班打卡,下班打卡,备注\r\n"
              f"{code},工程师乙,{day},10:12,18:05,门禁\r\n").encode("gb18030")  # as Chinese Excel saves it
    headers = {**MANAGER, "Content-Type": "text/csv"}
    first = gateway.post(f"{INVENTORY}/attendance/import", headers=headers, content=export)
    again = gateway.post(f"{INVENTORY}/attendance/import", headers=headers, content=export)
    assert first.status_code == 200, first.text
    assert (first.json()["imported"], again.json()["imported"], again.json()["unchanged"]) == (1, 0, 1)
    report = gateway.get(f"{INVENTORY}/attendance/report", headers=MANAGER,
                         params={"from": day, "to": day}).json()
    mine = next(s for s in report["shifts"] if s["staff"] == code)
    assert (mine["late_minutes"], mine["absent"]) == (12, False)
    rows = query(stack, "SELECT source, recorded_by, note FROM inventory.attendance WHERE staff = $1", code)
    assert [(r["source"], r["note"]) for r in rows] == [("import", "门禁")]
    for made in shift.json():  # other tests read xinjiang's roster for these days
        assert gateway.delete(f"{INVENTORY}/roster/shifts/{made['id']}", headers=MANAGER).status_code == 204


def test_a_bad_attendance_file_imports_nothing_and_names_each_row(stack, gateway):
    code, me = engineer(gateway)
    headers = {**MANAGER, "Content-Type": "text/csv"}
    bad = (f"staff,check_in_at,check_out_at\n{code},2026-11-24 09:00,2026-11-24 08:00\n"
           f"{code},2026-11-25 09:00,2026-11-25 18:00\nnobody-x,2026-11-25 09:00,2026-11-25 18:00\n"
           f"{code},yesterday,2026-11-26 18:00\n").encode()
    refused = gateway.post(f"{INVENTORY}/attendance/import", headers=headers, content=bad)
    assert refused.status_code == 422 and "line 2" in refused.text and "line 5" in refused.text
    unknown = gateway.post(f"{INVENTORY}/attendance/import", headers=headers, content=(
        b"staff,check_in_at,check_out_at\nnobody-x,2026-11-25 09:00,2026-11-25 18:00\n"))
    assert unknown.status_code == 422 and "nobody-x" in unknown.text
    assert query(stack, "SELECT count(*) AS n FROM inventory.attendance WHERE staff = $1", code)[0]["n"] == 0
    no_column = gateway.post(f"{INVENTORY}/attendance/import", headers=headers, content=b"name,time\nx,y\n")
    assert no_column.status_code == 422 and "工号" in no_column.text
    as_json = gateway.post(f"{INVENTORY}/attendance/import", headers=MANAGER, json={"rows": []})
    assert as_json.status_code == 415
    engineer_refused = gateway.post(f"{INVENTORY}/attendance/import",
                                    headers={**me, "Content-Type": "text/csv"}, content=bad)
    assert engineer_refused.status_code == 403
