"""100,000 queued SMS through notify's sender to the local sink, beside bare loops posting
the same payloads to the same sink, in one run.

The messages are queued straight into notify's tables (one statement, as routing would
leave them: urgent, so no frequency limit applies, one per number), then the sender —
quiet hours, quota metering, the provider call, the state change, all of it — works them
off. The sink counts what it took and any message id posted twice: exactly once means
accepted = queued and repeats = 0. The bare loops post the same bodies one after another,
one with an httpx.AsyncClient and one with the sender's own client (ProviderClient): the
goal (issue 27, ≥ 0.7×) compares the sender with the loop on its own client. Tuned by
BENCH_SMS (100000)."""

from __future__ import annotations

import asyncio
import os
import time
import uuid

import httpx
from notify.channels.http import ProviderClient
from opspact.testing.plugin import wait_until
from opspact.testing.probes import query

from bench.common import running_stack

TENANT = "wuqia"  # its tenant file sends over the local sink
QUEUE_SQL = """
WITH made AS (
  INSERT INTO notify.notifications (id, tenant_id, source_event_id, source_event_type, channel,
                                    recipient, body, urgent, status, segments, level)
  SELECT gen_random_uuid(), $1, $2 || '-' || g, 'bench.sms.v1', 'sms',
         '139' || lpad(g::text, 8, '0'), '运维平台压测短信第' || g || '条，请勿回复。', true, 'queued', 1, 0
    FROM generate_series(1, $3) g
  RETURNING id, tenant_id)
INSERT INTO notify.delivery_queue (notification_id, tenant_id, not_before)
SELECT id, tenant_id, now() FROM made
"""
SENT_SQL = "SELECT count(*) FILTER (WHERE status = 'sent') AS sent, count(*) AS n " \
           "FROM notify.notifications WHERE source_event_id LIKE $1"


def sink_stats(sink: str, prefix: str) -> dict:
    return httpx.get(f"{sink}/stats", params={"phone_prefix": prefix}, timeout=30).json()


def run_sender(stack, count: int) -> float:
    """Seconds from the queue's commit until the sender has sent every message."""
    run = f"bench-{uuid.uuid4().hex[:8]}"
    start = time.monotonic()
    query(stack, QUEUE_SQL, TENANT, run, count)
    # A bulk load leaves the planner's statistics saying the tables are nearly empty (it
    # would scan every queued row per batch until autovacuum analyzes): refresh them, as
    # any bulk load should. Routing queues messages a few at a time.
    query(stack, "ANALYZE notify.notifications")
    query(stack, "ANALYZE notify.delivery_queue")

    def done() -> bool:
        return query(stack, SENT_SQL, f"{run}-%")[0]["sent"] >= count
    wait_until(done, timeout=3600, interval=0.5, message=f"{count} messages sent")
    return time.monotonic() - start


async def bare_loop(sink: str, count: int, sign_name: str, prefix: str, client) -> float:
    """The same posts one after another, nothing else: with httpx, and with the sender's own
    client (notify.channels.http.ProviderClient)."""
    async with client:
        start = time.monotonic()
        for g in range(1, count + 1):
            r = await client.request("POST", f"{sink}/sms", json={
                "message_id": f"bare-{prefix}-{g}", "phone": f"{prefix}{g:08d}", "sign_name": sign_name,
                "content": f"运维平台压测短信第{g}条，请勿回复。"})
            if r.status_code != 200:
                raise RuntimeError(f"sink: HTTP {r.status_code}")
        return time.monotonic() - start


def main() -> None:
    count = int(os.environ.get("BENCH_SMS", 100_000))
    print(f"SMS throughput: {count} queued messages, notify's sender vs bare loops", flush=True)
    with running_stack() as (stack, _):
        sink = stack.url("sms-sink")
        before = sink_stats(sink, "139")
        sender_seconds = run_sender(stack, count)
        after_sender = sink_stats(sink, "139")
        bare_seconds = asyncio.run(bare_loop(sink, count, "运维服务台", "137", httpx.AsyncClient()))
        own_seconds = asyncio.run(bare_loop(sink, count, "运维服务台", "136", ProviderClient()))
        bare_took = sink_stats(sink, "137")["accepted"] + sink_stats(sink, "136")["accepted"]
    # The bench's numbers: 139… from notify, 137… from the bare loop (the demo uses 138…).
    took = after_sender["accepted"] - before["accepted"]
    repeats = after_sender["repeats"] - before["repeats"]
    sender_rate, bare_rate, own_rate = count / sender_seconds, count / bare_seconds, count / own_seconds
    print(f"{'path':<34}{'messages/s':>12}{'seconds':>10}")
    print(f"{'notify sender → sink':<34}{sender_rate:>12.1f}{sender_seconds:>10.1f}")
    print(f"{'bare httpx loop → sink':<34}{bare_rate:>12.1f}{bare_seconds:>10.1f}")
    print(f"{'bare ProviderClient loop → sink':<34}{own_rate:>12.1f}{own_seconds:>10.1f}")
    print(f"sink took {took} of {count} from notify: {count - took} lost, {repeats} duplicates "
          f"(bare loops: {bare_took} of {2 * count} taken)")
    print(f"ratio sender / bare loop on the sender's client: {sender_rate / own_rate:.2f}× (goal ≥ 0.7×); "
          f"/ bare httpx loop: {sender_rate / bare_rate:.2f}×")
