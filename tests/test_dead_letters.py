"""An event a consumer cannot apply is parked, announced and replayable — never dropped
in a log line (issue: hardening). Billing's damages consumer meets a tenant whose stored
inputs it cannot read; the breach event it was given waits in the dead-letter table until
the bad row is corrected, then `opspact events replay` applies it exactly once."""

import asyncio
import json
import uuid

import pytest
from opspact.cli.main import main as cli
from opspact.events import new_event
from opspact.kafka import make_producer
from opspact.testing.plugin import auth, wait_until
from opspact.testing.probes import query

TENANT = "wuqia"
MANAGER = auth(TENANT, "vendor_manager")


async def _publish(bootstrap: str, event) -> None:
    producer = make_producer(bootstrap)
    await producer.start()
    try:
        await producer.send_and_wait(event.topic, event.to_json().encode(), key=event.key().encode())
    finally:
        await producer.stop()


@pytest.fixture
def poisoned(stack):
    """A stored violation no re-assessment can read (days late: "x")."""
    event_id = f"poison-{uuid.uuid4().hex[:8]}"
    query(stack, "INSERT INTO billing.damage_inputs (tenant_id, event_id, type, occurred_at, data) "
                 "VALUES ($1, $2, 'billing.violation.recorded.v1', now(), "
                 "'{\"rule\": \"late-acceptance\", \"days_late\": \"x\"}'::jsonb)", TENANT, event_id)
    yield event_id
    query(stack, "DELETE FROM billing.damage_inputs WHERE event_id = $1", event_id)


def test_an_event_that_cannot_be_applied_is_parked_and_replayed(stack, gateway, poisoned,
                                                                 monkeypatch, capsys):
    event = new_event("ticketing", "sla", "breached", TENANT, f"t-{uuid.uuid4().hex[:8]}", {
        "ticket_id": uuid.uuid4().hex, "clock": "resolution",
        "breached_at": "2025-03-01T10:00:00+08:00"})
    asyncio.run(_publish(stack.kafka_bootstrap, event))
    wait_until(lambda: query(stack, "SELECT 1 FROM billing.dead_letters WHERE event_id = $1",
                             event.id), timeout=60, message="the event parked")
    [letter] = query(stack, "SELECT * FROM billing.dead_letters WHERE event_id = $1", event.id)
    assert letter["status"] == "parked" and "ValueError" in letter["error"]
    parked = json.loads(letter["event"])
    assert parked["id"] == event.id and parked["data"]["clock"] == "resolution"
    assert query(stack, "SELECT status FROM billing.inbox WHERE event_id = $1",
                 event.id)[0]["status"] == "parked"
    announced = query(stack, "SELECT payload FROM billing.outbox WHERE event_type = "
                             "'billing.event.parked.v1' AND payload->'data'->>'event_id' = $1", event.id)
    assert len(announced) == 1 and json.loads(announced[0]["payload"])["tenantid"] == TENANT
    assert query(stack, "SELECT 1 FROM billing.damage_inputs WHERE event_id = $1", event.id) == []

    listed = gateway.get("/api/billing/dead-letters", headers=MANAGER).json()
    assert letter["id"] in [x["id"] for x in listed["items"]]
    other = gateway.get("/api/billing/dead-letters", headers=auth("xinjiang", "vendor_manager")).json()
    assert letter["id"] not in [x["id"] for x in other["items"]]  # another tenant's letters
    assert gateway.get("/api/billing/dead-letters",
                       headers=auth(TENANT, "vendor_engineer")).status_code == 403

    # Still broken: the replay says why and changes nothing.
    again = gateway.post(f"/api/billing/dead-letters/{letter['id']}/replay", headers=MANAGER)
    assert again.status_code == 409 and "still cannot be applied" in again.json()["detail"]
    assert query(stack, "SELECT status FROM billing.dead_letters WHERE id = $1",
                 letter["id"])[0]["status"] == "parked"

    monkeypatch.setenv("OPSPACT_URL", stack.url("gateway"))
    monkeypatch.delenv("OPSPACT_TOKEN", raising=False)
    assert cli(["events", "list", "--tenant", TENANT, "--service", "billing"]) == 0
    assert "ticketing.sla.breached.v1" in capsys.readouterr().out

    query(stack, "DELETE FROM billing.damage_inputs WHERE event_id = $1", poisoned)  # the fix
    assert cli(["events", "replay", "--tenant", TENANT, "--service", "billing", str(letter["id"])]) == 0
    assert f"replayed {letter['id']}" in capsys.readouterr().out
    assert query(stack, "SELECT count(*) AS n FROM billing.damage_inputs WHERE event_id = $1",
                 event.id)[0]["n"] == 1
    assert query(stack, "SELECT status FROM billing.inbox WHERE event_id = $1",
                 event.id)[0]["status"] == "processed"
    replayed = gateway.post(f"/api/billing/dead-letters/{letter['id']}/replay", headers=MANAGER)
    assert replayed.status_code == 409 and "was replayed" in replayed.json()["detail"]
    assert gateway.get("/api/billing/dead-letters", headers=MANAGER,
                       params={"status": "replayed"}).json()["items"][-1]["replayed_by"]
