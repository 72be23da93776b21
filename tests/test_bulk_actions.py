"""One action on many tickets: each checked on its own, every outcome reported; all or
nothing only when asked."""

from __future__ import annotations

import uuid

from opspact.cli.common import dev_token
from opspact.testing.probes import query

TICKETS = "/api/ticketing/tickets"


def person(subject: str, *roles: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {dev_token(['zhuhai'], list(roles), subject)}"}


ENGINEER = person("zh-engineer", "vendor_engineer")
VIEWER = person("zh-viewer", "client_viewer")


def tickets(gateway, n: int) -> list[dict]:
    out = []
    for i in range(n):
        r = gateway.post(TICKETS, headers=ENGINEER, json={"system": "smart-station", "title": f"批量 {i}"})
        assert r.status_code == 201, r.text
        out.append(r.json())
    return out


def bulk(gateway, headers=ENGINEER, expect=200, **body) -> dict:
    r = gateway.post(f"{TICKETS}/bulk", headers=headers, json=body)
    assert r.status_code == expect, r.text
    return r.json()


def test_one_ticket_in_the_wrong_state_is_reported_and_the_rest_move(stack, gateway):
    a, b, c = tickets(gateway, 3)
    gateway.post(f"{TICKETS}/{b['id']}/transitions", headers=ENGINEER, json={"to": "acknowledged"})
    missing = str(uuid.uuid4())
    out = bulk(gateway, ids=[c["id"], b["id"], missing, a["id"]], action="transition",
               to="acknowledged", expected_status="new", note="批量受理")
    assert [r["id"] for r in out["results"]] == [c["id"], b["id"], missing, a["id"]]  # as sent
    assert [r["status"] for r in out["results"]] == [200, 409, 404, 200]
    assert out["applied"] == 2 and out["refused"] == 2
    assert "is acknowledged, not new" in out["results"][1]["detail"]
    for t in (a, c):
        shown = gateway.get(f"{TICKETS}/{t['id']}", headers=ENGINEER).json()
        assert shown["status"] == "acknowledged"
        assert any(e["note"] == "批量受理" for e in shown["timeline"])
    events = query(stack, "SELECT count(*) AS n FROM ticketing.outbox WHERE event_type = "
                          "'ticketing.ticket.status_changed.v1' AND payload->>'subject' = ANY($1)",
                   [a["id"], b["id"], c["id"]])
    assert events[0]["n"] == 3  # b's own earlier move, a's and c's — none for the refused one


def test_atomic_changes_nothing_when_one_is_refused(gateway):
    a, b = tickets(gateway, 2)
    gateway.post(f"{TICKETS}/{b['id']}/transitions", headers=ENGINEER, json={"to": "resolved"})
    r = gateway.post(f"{TICKETS}/bulk", headers=ENGINEER, json={
        "ids": [a["id"], b["id"]], "action": "transition", "to": "closed", "atomic": True})
    assert r.status_code == 409 and r.headers["content-type"].startswith("application/problem+json")
    assert [x["ok"] for x in r.json()["results"]] == [False, True]
    assert gateway.get(f"{TICKETS}/{b['id']}", headers=ENGINEER).json()["status"] == "resolved"


def test_assign_priority_and_comment_in_bulk(gateway):
    a, b = tickets(gateway, 2)
    ids = [a["id"], b["id"]]
    assert bulk(gateway, ids=ids, action="assign", assignee="zh-engineer-2")["applied"] == 2
    assert bulk(gateway, ids=ids, action="priority", priority="p1", note="升级")["applied"] == 2
    said = bulk(gateway, ids=ids, action="comment", body="已批量通知各所", visibility="public")
    assert said["applied"] == 2
    for t in (a, b):
        shown = gateway.get(f"{TICKETS}/{t['id']}", headers=ENGINEER).json()
        assert shown["assignee"] == "zh-engineer-2" and shown["priority"] == "p1"
        said = gateway.get(f"{TICKETS}/{t['id']}/comments", headers=VIEWER).json()["items"]
        assert [c["body"] for c in said] == ["已批量通知各所"]


def test_bulk_requests_that_cannot_be_done_are_refused_whole(gateway):
    a, = tickets(gateway, 1)
    for body in ({"ids": [a["id"]], "action": "transition"},  # to what?
                 {"ids": [a["id"], a["id"]], "action": "priority", "priority": "p2"},
                 {"ids": [], "action": "assign", "assignee": "x"},
                 {"ids": [str(uuid.uuid4())] * 1 + [str(uuid.uuid4()) for _ in range(500)],
                  "action": "assign", "assignee": "x"},
                 {"ids": [a["id"]], "action": "delete"}):
        r = gateway.post(f"{TICKETS}/bulk", headers=ENGINEER, json=body)
        assert r.status_code == 422, (body, r.text)
    refused = gateway.post(f"{TICKETS}/bulk", headers=VIEWER, json={
        "ids": [a["id"]], "action": "comment", "body": "x", "visibility": "public"})
    assert refused.status_code == 403
    internal = gateway.post(f"{TICKETS}/bulk", headers=person("zh-officer", "client_admin"), json={
        "ids": [a["id"]], "action": "comment", "body": "x"})
    assert internal.status_code == 403
