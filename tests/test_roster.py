"""Staff, replacements, the duty roster, its gaps and who is on duty — xinjiang's posts."""

import uuid

from opspact.testing.plugin import auth
from opspact.testing.probes import query

MANAGER = auth("xinjiang", "vendor_manager")


def staff(gateway, code, post, **extra):
    r = gateway.post("/api/inventory/staff", headers=MANAGER, json={
        "code": code, "name": f"工程师{code[-4:]}", "role": "驻场工程师", "post": post,
        "categories": ["服务器", "网络"], **extra})
    assert r.status_code == 201, r.text
    return r.json()


def shifts(gateway, *items, expect=201):
    r = gateway.post("/api/inventory/roster/shifts", headers=MANAGER, json={"shifts": [
        {"post": p, "staff": s, "starts_at": a, "ends_at": b} for p, s, a, b in items]})
    assert r.status_code == expect, r.text
    return r


def test_roster_gaps_on_duty_and_overlaps(gateway):
    run = uuid.uuid4().hex[:4]
    people = [f"hq{n}-{run}" for n in range(3)] + [f"fin-{run}", f"duty-{run}"]
    for code in people[:3]:
        staff(gateway, code, "hq")
    staff(gateway, people[3], "finance-dept")
    staff(gateway, people[4], "off-day-duty",
          paperwork={"confidentiality_signed_on": "2024-12-10", "security_trainings": ["2025-01-20"]})
    # Thu 9 – Sun 12 Oct 2025 (Sat 11 is a 调休 working day); hq covered only Thu and Fri
    day = lambda d, h: f"2025-10-{d:02d}T{h:02d}:00:00+08:00"  # noqa: E731
    rows = [("hq", p, day(d, 10), day(d, 18)) for p in people[:3] for d in (9, 10)]
    rows += [("finance-dept", people[3], day(d, 10), day(d, 18)) for d in (9, 10, 11)]
    rows += [("off-day-duty", people[4], day(12, 10), day(12, 14))]
    shifts(gateway, *rows)
    gaps = gateway.get("/api/inventory/roster/gaps", headers=auth("xinjiang", "client_admin"),
                       params={"from": day(9, 0), "to": day(13, 0)}).json()
    summary = [(g["post"], g["starts_at"][:16], g["ends_at"][:16], g["covered"]) for g in gaps
               if g["starts_at"] >= "2025-10-09"]
    assert ("hq", "2025-10-11T10:00", "2025-10-11T18:00", 0) in summary  # the 调休 Saturday
    assert ("off-day-duty", "2025-10-12T14:00", "2025-10-12T18:00", 0) in summary
    assert not [g for g in summary if g[0] == "finance-dept"]
    on = gateway.get("/api/inventory/on-duty", params={"at": day(9, 11)},
                     headers=auth("xinjiang", "integration")).json()
    assert {o["staff"] for o in on} >= set(people[:4])
    assert all(o["post_name"] for o in on)
    # the same person twice at once: refused, nothing saved
    r = shifts(gateway, ("hq", people[0], day(20, 9), day(20, 12)),
               ("hq", people[0], day(20, 11), day(20, 15)), expect=409)
    assert "overlaps" in r.json()["detail"]
    assert query_count(gateway, people[0]) == 2


def query_count(gateway, code):
    rostered = gateway.get("/api/inventory/roster/shifts", headers=MANAGER, params={
        "from": "2025-10-01T00:00:00+08:00", "to": "2025-10-31T00:00:00+08:00"}).json()
    return len([s for s in rostered if s["staff"] == code])


def test_replacements_are_counted_per_contract_year(stack, gateway):
    run = uuid.uuid4().hex[:4]
    a, b, c = (staff(gateway, f"{n}-{run}", "finance-dept" if n == "a" else None)["code"]
               for n in "abc")
    first = gateway.post("/api/inventory/posts/finance-dept/replacements", headers=MANAGER,
                         json={"leaving": a, "joining": b, "reason": "家庭原因离职"})
    assert first.status_code == 201, first.text
    second = gateway.post("/api/inventory/posts/finance-dept/replacements", headers=MANAGER,
                          json={"leaving": b, "joining": c, "reason": "调岗"}).json()
    assert second["count_in_year"] == first.json()["count_in_year"] + 1
    events = query(stack, "SELECT payload->'data' AS d FROM inventory.outbox WHERE event_type = "
                          "'inventory.staff.replaced.v1' AND payload->'data'->>'joining' = $1", c)
    assert '"count_in_year"' in events[0]["d"]
    again = gateway.post("/api/inventory/posts/finance-dept/replacements", headers=MANAGER,
                         json={"leaving": a, "joining": c, "reason": "x"})
    assert again.status_code == 409  # a has left already


def test_bad_roster_input(gateway):
    for body, words in (
        ({"shifts": [{"post": "nope", "staff": "x", "starts_at": "2025-10-09T10:00+08:00",
                      "ends_at": "2025-10-09T12:00+08:00"}]}, "unknown post"),
        ({"shifts": [{"post": "hq", "staff": "x", "starts_at": "2025-10-09T10:00+08:00",
                      "ends_at": "2025-10-09T09:00+08:00"}]}, "end after"),
        ({"shifts": [{"post": "hq", "staff": "x", "starts_at": "9999-10-09T10:00",
                      "ends_at": "9999-10-09T12:00"}]}, "plausible span"),
    ):
        r = gateway.post("/api/inventory/roster/shifts", headers=MANAGER, json=body)
        assert r.status_code == 422 and words in r.text, r.text
    r = gateway.get("/api/inventory/roster/gaps", headers=MANAGER,
                    params={"from": "2025-01-01T00:00:00+08:00", "to": "2025-06-01T00:00:00+08:00"})
    assert r.status_code == 422 and "62 days" in r.text
    r = gateway.post("/api/inventory/staff", headers=MANAGER,
                     json={"code": "z1", "name": "某", "role": "r", "post": "moon"})
    assert r.status_code == 422 and "unknown post" in r.text


def test_paperwork_dates_are_iso_only(gateway):
    # found by the fuzzer: pydantic reads 0 or "0" as 1970-01-01
    for bad in (0, "0", "1700000000"):
        r = gateway.post("/api/inventory/staff", headers=MANAGER, json={
            "code": f"date-{uuid.uuid4().hex[:6]}", "name": "工程师乙", "role": "驻场工程师",
            "paperwork": {"confidentiality_signed_on": bad}})
        assert r.status_code == 422 and "ISO 8601 date" in r.text, r.text
