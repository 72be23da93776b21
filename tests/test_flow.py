"""The walking skeleton's one flow, every hop asserted, on the real stack:
hook → ticketing (incident + outbox row, one transaction) → relay → Kafka →
notify (inbox + pending SMS, once) → sender → local SMS sink."""

import asyncio
import json
import time
import uuid

from aiokafka import AIOKafkaProducer
from opspact import hooksig
from opspact.testing.plugin import auth, wait_until
from opspact.testing.probes import fault, query, sink_messages


def test_hook_to_sms_every_hop(stack, gateway):
    fault_id = f"F-{uuid.uuid4().hex[:8]}"
    response = gateway.post("/hooks/xinjiang/12123", json=fault(fault_id))
    assert response.status_code == 201, response.text
    ticket = response.json()
    assert ticket["tenant"] == "xinjiang" and ticket["status"] == "new"
    assert ticket["system_name"] == "12123互联网综合服务平台缴费服务"

    # ticketing: the incident and its outbox row, committed together
    rows = query(stack, "SELECT tenant_id, external_id FROM ticketing.tickets WHERE id = $1",
                 uuid.UUID(ticket["id"]))
    assert [tuple(r) for r in rows] == [("xinjiang", fault_id)]
    outbox = query(stack, "SELECT event_id, event_type, key FROM ticketing.outbox "
                          "WHERE payload->'data'->>'ticket_id' = $1", ticket["id"])
    assert len(outbox) == 1
    event_id = outbox[0]["event_id"]
    assert outbox[0]["event_type"] == "ticketing.ticket.created.v1"
    assert outbox[0]["key"] == f"xinjiang:{ticket['id']}"

    # relay published it
    wait_until(lambda: query(stack, "SELECT 1 FROM ticketing.outbox WHERE event_id = $1 "
                                    "AND published_at IS NOT NULL", event_id),
               message="relay to publish")
    # notify consumed it once and sent the SMS to the on-duty placeholder
    wait_until(lambda: query(stack, "SELECT 1 FROM notify.inbox WHERE event_id = $1", event_id),
               message="notify to consume")
    notes = wait_until(lambda: query(stack, "SELECT status, recipient, body FROM notify.notifications "
                                            "WHERE source_event_id = $1 AND status = 'sent'", event_id),
                       message="the SMS to be sent")
    assert len(notes) == 1 and notes[0]["recipient"] == "13800000001"
    assert ticket["number"] in notes[0]["body"] and "缴费失败" in notes[0]["body"]
    received = [m for m in sink_messages(stack) if ticket["number"] in m["content"]]
    assert len(received) == 1

    # read back through the gateway with a user token
    listed = gateway.get("/api/ticketing/tickets", params={"system": "12123-fees"},
                         headers=auth("xinjiang", "vendor_manager")).json()
    assert ticket["id"] in [t["id"] for t in listed["items"]]
    notes_api = gateway.get("/api/notify/notifications", headers=auth("xinjiang", "vendor_manager"))
    assert notes_api.status_code == 200
    assert any(n["source_event_id"] == event_id for n in notes_api.json()["items"])


def test_redelivered_event_creates_no_second_notification(stack, gateway):
    response = gateway.post("/hooks/xinjiang/12123", json=fault(f"F-{uuid.uuid4().hex[:8]}"))
    ticket = response.json()
    outbox = wait_until(lambda: query(stack, "SELECT event_id, topic, key, payload FROM ticketing.outbox "
                                             "WHERE payload->'data'->>'ticket_id' = $1 "
                                             "AND published_at IS NOT NULL", ticket["id"]))
    event_id = outbox[0]["event_id"]
    wait_until(lambda: query(stack, "SELECT 1 FROM notify.notifications WHERE source_event_id = $1 "
                                    "AND status = 'sent'", event_id))

    async def redeliver():
        producer = AIOKafkaProducer(bootstrap_servers=stack.kafka_bootstrap)
        await producer.start()
        try:
            for _ in range(3):
                await producer.send_and_wait(outbox[0]["topic"], outbox[0]["payload"].encode(),
                                             key=outbox[0]["key"].encode())
        finally:
            await producer.stop()

    asyncio.run(redeliver())
    marker = f"F-{uuid.uuid4().hex[:8]}"  # a later event proves the copies were consumed
    later = gateway.post("/hooks/xinjiang/12123", json=fault(marker)).json()
    wait_until(lambda: query(stack, "SELECT 1 FROM notify.notifications n JOIN notify.inbox i "
                                    "ON i.event_id = n.source_event_id WHERE n.body LIKE $1",
                             f"%{later['number']}%"))
    notes = query(stack, "SELECT count(*) AS n FROM notify.notifications WHERE source_event_id = $1",
                  event_id)
    assert notes[0]["n"] == 1
    assert len([m for m in sink_messages(stack) if ticket["number"] in m["content"]]) == 1


def test_same_fault_reported_twice_is_one_ticket(gateway):
    body = fault(f"F-{uuid.uuid4().hex[:8]}")
    first = gateway.post("/hooks/xinjiang/12123", json=body)
    # The platform reports it again a moment later (identical bytes in the same second
    # would be indistinguishable from a replay, which the gateway refuses).
    raw = json.dumps(body).encode()
    again = hooksig.signed_headers(hooksig.dev_secret("xinjiang", "12123"), raw, time.time() + 1)
    second = gateway.post("/hooks/xinjiang/12123", content=raw,
                          headers={"Content-Type": "application/json", **again})
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    assert second.json()["occurrences"] == 2


def test_tenant_apply_is_idempotent(stack):
    from opspact.cli.stack import repo_root
    from opspact.cli.tenant import apply_tenants
    results = apply_tenants(repo_root() / "deploy" / "tenants", base_url=stack.url("gateway"))
    assert len(results) == 20 and not any(r["changed"] for r in results), [r for r in results if r["changed"]]
    dry = apply_tenants(repo_root() / "deploy" / "tenants" / "beijing.yaml", dry_run=True,
                        base_url=stack.url("gateway"))
    assert [r["changed"] for r in dry] == [False] * 4
    # and what the five contracts leave open is reported with them
    from opspact.cli.tenant import contract_findings
    findings = contract_findings(["beijing", "wuqia"], base_url=stack.url("gateway"))
    by_tenant = {t: [f["finding"] for f in findings if f["tenant"] == t] for t in ("beijing", "wuqia")}
    assert any("乙方名称不一致" in f for f in by_tenant["beijing"])
    assert any(f.startswith("待澄清：") and "完成时限" in f for f in by_tenant["wuqia"])


def test_event_is_cloudevents_with_tenant_and_trace(stack, gateway):
    traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
    ticket = gateway.post("/hooks/xinjiang/12123", json=fault(f"F-{uuid.uuid4().hex[:8]}"),
                          headers={"traceparent": traceparent}).json()
    row = query(stack, "SELECT payload FROM ticketing.outbox WHERE payload->'data'->>'ticket_id' = $1",
                ticket["id"])[0]
    event = json.loads(row["payload"])
    assert event["specversion"] == "1.0" and event["tenantid"] == "xinjiang"
    assert event["type"] == "ticketing.ticket.created.v1" and event["source"] == "/opspact/ticketing"
    # same trace id as the caller's, carried through gateway and ticketing
    assert event["traceparent"].split("-")[1] == "0af7651916cd43dd8448eb211c80319c"
