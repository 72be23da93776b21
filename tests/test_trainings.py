"""Trainings as held (xinjiang 1.5-1: monthly security training, reported to the client), a
month about to end without one announced once, and staff paperwork kept up to date."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date

from opspact.db import Database
from opspact.testing.plugin import auth, wait_until
from opspact.testing.probes import query

MANAGER = auth("xinjiang", "vendor_manager")
INVENTORY = "/api/inventory"


def staff(gateway, **extra) -> str:
    code = f"eng-{uuid.uuid4().hex[:6]}"
    r = gateway.post(f"{INVENTORY}/staff", headers=MANAGER, json={
        "code": code, "name": "工程师甲", "role": "驻场工程师", "post": "hq", **extra})
    assert r.status_code == 201, r.text
    return code


def test_a_training_is_recorded_with_who_attended(gateway):
    a, b = staff(gateway), staff(gateway)
    r = gateway.post(f"{INVENTORY}/trainings", headers=MANAGER, json={
        "kind": "security", "held_on": "2026-11-20", "topic": "信息保密安全培训（11月）",
        "attendees": [a, b, a]})
    assert r.status_code == 201, r.text
    assert r.json()["attendees"] == [a, b]
    listed = gateway.get(f"{INVENTORY}/trainings", headers=auth("xinjiang", "client_admin"),
                         params={"held_from": "2026-11-01", "held_to": "2026-11-30"}).json()
    assert r.json()["id"] in [t["id"] for t in listed["items"]]
    for bad, field in (({"kind": "cooking"}, "kind"), ({"attendees": ["nobody-here"]}, "attendees"),
                       ({"held_on": "2026-13-01"}, "held_on"), ({"attendees": []}, "attendees")):
        body = {"kind": "security", "held_on": "2026-11-20", "topic": "x", "attendees": [a], **bad}
        refused = gateway.post(f"{INVENTORY}/trainings", headers=MANAGER, json=body)
        assert refused.status_code == 422 and field in refused.text, (bad, refused.text)
    month = gateway.get(f"{INVENTORY}/trainings/this-month", headers=MANAGER).json()
    assert [m["kind"] for m in month] == ["security"] and month[0]["clause"].startswith("1.5-1")


def test_a_month_about_to_end_without_training_is_announced_once(stack):
    async def look(day: date) -> int:
        from inventory.trainings.service import announce_missing
        db = Database(stack.app_database_url("inventory"), 1)
        try:
            async with db.unit_of_work("xinjiang") as session:
                return await announce_missing(session, "xinjiang", day)
        finally:
            await db.dispose()

    # a past month, so the running watch (today's month only) never races the test
    assert asyncio.run(look(date(2025, 3, 20))) == 0  # eleven days left: not yet
    assert asyncio.run(look(date(2025, 3, 27))) == 1
    assert asyncio.run(look(date(2025, 3, 28))) == 0  # once per month
    note = wait_until(lambda: query(stack, "SELECT body, recipient FROM notify.notifications WHERE "
                                           "source_event_type = 'inventory.training.missing.v1' "
                                           "AND tenant_id = 'xinjiang' AND body LIKE '%2025-03%'"))
    assert "信息保密安全培训本月（2025-03）尚未开展，距月底还有4天" in note[0]["body"]


def test_staff_paperwork_is_kept_up_to_date(gateway):
    code = staff(gateway, paperwork={"confidentiality_signed_on": "2026-01-05"})
    r = gateway.patch(f"{INVENTORY}/staff/{code}", headers=MANAGER, json={
        "role": "运维工程师", "paperwork": {"political_responsibility_signed_on": "2026-01-05",
                                          "security_responsibility_signed_on": "2026-01-06"}})
    assert r.status_code == 200, r.text
    paperwork = r.json()["paperwork"]
    assert r.json()["role"] == "运维工程师" and paperwork["confidentiality_signed_on"] == "2026-01-05"
    assert paperwork["political_responsibility_signed_on"] == "2026-01-05"
    for body in ({"post": "finance-dept"}, {"name": None}, {"paperwork": {"signed_anything": "2026-01-01"}},
                 {"paperwork": {"background_check_on": "yesterday"}}):
        refused = gateway.patch(f"{INVENTORY}/staff/{code}", headers=MANAGER, json=body)
        assert refused.status_code == 422, (body, refused.text)
    assert gateway.patch(f"{INVENTORY}/staff/nobody", headers=MANAGER, json={"role": "x"}).status_code == 404
    viewer = gateway.patch(f"{INVENTORY}/staff/{code}", headers=auth("xinjiang", "client_admin"),
                           json={"role": "x"})
    assert viewer.status_code == 403
