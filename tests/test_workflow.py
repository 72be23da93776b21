"""A ticket's workflow through the gateway: transitions, their timeline and events,
what they do to the SLA clocks, and what the workflow refuses."""

import threading
from datetime import datetime, timedelta

import pytest
from opspact.testing.plugin import auth
from opspact.testing.probes import query

ENGINEER = auth("xinjiang", "vendor_engineer")
TICKETS = "/api/ticketing/tickets"


def new_ticket(gateway, tenant="xinjiang", **body) -> dict:
    body = {"system": "12123-fees", "title": "缴费后未到账", **body}
    r = gateway.post(TICKETS, json=body, headers=auth(tenant, "vendor_engineer"))
    assert r.status_code == 201, r.text
    return r.json()


def move(gateway, ticket, to, tenant="xinjiang", expect=200, **extra):
    r = gateway.post(f"{TICKETS}/{ticket['id']}/transitions", json={"to": to, **extra},
                     headers=auth(tenant, "vendor_engineer"))
    assert r.status_code == expect, r.text
    return r.json()


def clocks(ticket: dict) -> dict[str, dict]:
    return {c["clock"]: c for c in ticket["sla"]}


def event_types(stack, ticket_id: str) -> list[str]:
    rows = query(stack, "SELECT event_type FROM ticketing.outbox "
                        "WHERE payload->'data'->>'ticket_id' = $1 ORDER BY seq", ticket_id)
    return [r["event_type"].removeprefix("ticketing.").removesuffix(".v1") for r in rows]


def test_main_line_with_timeline_events_and_clocks(stack, gateway):
    ticket = new_ticket(gateway)
    move(gateway, ticket, "acknowledged", note="已接单")
    t = move(gateway, ticket, "dispatched", assignee="engineer-01", note="派工程师前往")
    assert t["assignee"] == "engineer-01"
    t = move(gateway, ticket, "on_site")
    assert clocks(t)["on_site"]["state"] == "met"
    assert clocks(t)["resolution"]["state"] == "running"
    t = move(gateway, ticket, "resolved", note="重启支付网关后恢复")
    assert clocks(t)["resolution"]["state"] == "met"
    assert clocks(t)["resolution"]["remaining_seconds"] is None
    t = move(gateway, ticket, "closed", note="用户确认")
    steps = [(e["action"], e["from_status"], e["to_status"]) for e in t["timeline"]]
    assert steps == [
        ("created", None, "new"), ("status_changed", "new", "acknowledged"),
        ("status_changed", "acknowledged", "dispatched"), ("assigned", None, None),
        ("status_changed", "dispatched", "on_site"), ("status_changed", "on_site", "resolved"),
        ("status_changed", "resolved", "closed")]
    assert all(e["actor"] for e in t["timeline"])
    assert event_types(stack, ticket["id"]) == [
        "ticket.created", "ticket.status_changed", "ticket.status_changed", "ticket.assigned",
        "ticket.status_changed", "ticket.status_changed", "ticket.resolved",
        "ticket.status_changed", "ticket.closed"]
    # filtering by assignee and status finds it
    page = gateway.get(TICKETS, params={"assignee": "engineer-01", "status": "closed"},
                       headers=ENGINEER).json()
    assert ticket["id"] in [i["id"] for i in page["items"]]


@pytest.mark.parametrize(("path", "to", "extra", "status", "words"), [
    (["resolved", "closed"], "acknowledged", {"note": "又坏了"}, 409, "closed ticket is final"),
    (["acknowledged"], "new", {}, 409, "cannot return to new"),
    ([], "closed", {}, 409, "only a resolved ticket"),
    (["acknowledged"], "acknowledged", {}, 409, "already acknowledged"),
    (["resolved"], "acknowledged", {}, 422, "reopening needs a note"),
    ([], "on_site", {"expected_status": "acknowledged"}, 409, "someone changed it first"),
    ([], "finished", {}, 422, "to"),
    ([], "on_site", {"note": "x" * 2001}, 422, "note"),
    ([], "on_site", {"note": "坏\u0000了"}, 422, "NUL"),
])
def test_refused_transitions_name_the_problem(gateway, path, to, extra, status, words):
    ticket = new_ticket(gateway)
    for step in path:
        move(gateway, ticket, step)
    r = gateway.post(f"{TICKETS}/{ticket['id']}/transitions", json={"to": to, **extra},
                     headers=ENGINEER)
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert words in r.text
    after = gateway.get(f"{TICKETS}/{ticket['id']}", headers=ENGINEER).json()
    assert after["status"] == (path[-1] if path else "new")  # nothing half-written


def test_unknown_ticket_and_reader_role(gateway):
    r = gateway.post(f"{TICKETS}/00000000-0000-0000-0000-000000000000/transitions",
                     json={"to": "acknowledged"}, headers=ENGINEER)
    assert r.status_code == 404
    ticket = new_ticket(gateway)
    r = gateway.post(f"{TICKETS}/{ticket['id']}/transitions", json={"to": "acknowledged"},
                     headers=auth("xinjiang", "client_viewer"))
    assert r.status_code == 403
    # another tenant's ticket does not exist for zhuhai
    r = gateway.post(f"{TICKETS}/{ticket['id']}/transitions", json={"to": "acknowledged"},
                     headers=auth("zhuhai", "vendor_engineer"))
    assert r.status_code == 404


def test_waiting_other_unit_switches_xinjiang_resolution_to_4h(gateway):
    ticket = new_ticket(gateway)
    t = move(gateway, ticket, "waiting_other_unit", note="需银行配合排查")
    r = clocks(t)["resolution"]
    created = datetime.fromisoformat(ticket["created_at"])
    assert r["target"] == "4 hours" and "4小时内解决" in r["clause"]
    assert datetime.fromisoformat(r["due_at"]) - created == timedelta(hours=4)
    t = move(gateway, ticket, "waiting_finance_dept")
    assert clocks(t)["resolution"]["target"] == "1 day"
    t = move(gateway, ticket, "on_site")
    assert clocks(t)["resolution"]["target"] == "48 hours"


def test_waiting_client_pauses_and_reopen_revives(gateway):
    ticket = new_ticket(gateway)
    t = move(gateway, ticket, "waiting_client", note="等待用户提供订单号")
    assert clocks(t)["resolution"]["state"] == "paused"
    assert clocks(t)["resolution"]["remaining_seconds"] is None
    t = move(gateway, ticket, "acknowledged")
    r = clocks(t)["resolution"]
    assert r["state"] == "running" and r["paused_seconds"] >= 0
    t = move(gateway, ticket, "resolved")
    t = move(gateway, ticket, "acknowledged", note="用户反馈仍未到账")
    assert t["timeline"][-1]["action"] == "reopened"
    assert clocks(t)["resolution"]["state"] == "running"


def test_priority_change_moves_clocks_to_the_matching_policy(stack, gateway):
    # xinxiang promises times only for p1 (重大故障)
    ticket = new_ticket(gateway, "xinxiang", system="police-platform", priority="p3")
    assert ticket["sla"] == []
    headers = auth("xinxiang", "vendor_manager")
    r = gateway.patch(f"{TICKETS}/{ticket['id']}", json={"priority": "p1", "note": "影响全市刻章业务"},
                      headers=headers)
    assert r.status_code == 200, r.text
    t = r.json()
    assert {c["clock"] for c in t["sla"]} >= {"response", "on_site"}
    created = datetime.fromisoformat(ticket["created_at"])
    assert all(datetime.fromisoformat(c["started_at"]) == created for c in t["sla"])
    assert t["timeline"][-1]["action"] == "updated" and "p3 → p1" in t["timeline"][-1]["note"]
    r = gateway.patch(f"{TICKETS}/{ticket['id']}", json={"priority": "p2"}, headers=headers)
    assert {c["state"] for c in r.json()["sla"]} == {"cancelled"}
    assert event_types(stack, ticket["id"]).count("ticket.updated") == 2
    # nothing changed: no entry, no event
    again = gateway.patch(f"{TICKETS}/{ticket['id']}", json={"priority": "p2"}, headers=headers)
    assert len(again.json()["timeline"]) == len(r.json()["timeline"])
    bad = gateway.patch(f"{TICKETS}/{ticket['id']}", json={"system": "nope"}, headers=headers)
    assert bad.status_code == 422 and "nope" in bad.text
    bad = gateway.patch(f"{TICKETS}/{ticket['id']}", json={"priority": None}, headers=headers)
    assert bad.status_code == 422


def test_concurrent_transitions_one_wins(gateway):
    ticket = new_ticket(gateway)
    results = []

    def attempt():
        r = gateway.post(f"{TICKETS}/{ticket['id']}/transitions",
                         json={"to": "acknowledged", "expected_status": "new"}, headers=ENGINEER)
        results.append(r.status_code)

    threads = [threading.Thread(target=attempt) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [200, 409, 409, 409]
    t = gateway.get(f"{TICKETS}/{ticket['id']}", headers=ENGINEER).json()
    assert [e["action"] for e in t["timeline"]].count("status_changed") == 1
