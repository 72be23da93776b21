"""Event delay from commit to consumer, at a fixed rate of fault reports.

Starts the real stack (embedded PostgreSQL, Tansu, every process) in a temporary
directory, posts 12123 hooks through the gateway at a fixed rate, and for every
`ticketing.ticket.created.v1` event measures, on the database's own clock:

    relay delay     outbox.created_at  → outbox.published_at   (commit → on Kafka)
    consumer delay  outbox.created_at  → notify.inbox.received_at (commit → notify)

`created_at` is the hook transaction's start; the hook's transaction is a few
milliseconds long, so it stands in for the commit. The same load runs twice in one
go — the relay woken by LISTEN/NOTIFY (the default), then polling only (what a
transaction-pooling PgBouncer forces) — and the ratio of the two is printed.
"""

from __future__ import annotations

import os
import statistics
import time
import uuid

import httpx
from opspact.cli.stack import Stack
from opspact.testing.plugin import sign_hooks, wait_until
from opspact.testing.probes import fault, query

from bench.common import percentile, running_stack

DELAYS_SQL = """
SELECT extract(epoch FROM o.published_at - o.created_at) * 1000 AS relay_ms,
       extract(epoch FROM i.received_at - o.created_at) * 1000 AS consumer_ms
  FROM ticketing.outbox o
  JOIN notify.inbox i ON i.event_id = o.event_id
 WHERE o.payload->'data'->>'ticket_id' = ANY($1::text[])
"""


def post_at_fixed_rate(gateway: httpx.Client, rate: float, count: int) -> tuple[list[str], float]:
    """Posts `count` hooks, one every 1/rate seconds; returns ticket ids and the achieved rate."""
    ids, start = [], time.monotonic()
    for i in range(count):
        pause = start + i / rate - time.monotonic()
        if pause > 0:
            time.sleep(pause)
        r = gateway.post("/hooks/xinjiang/12123", json=fault(f"BENCH-{uuid.uuid4().hex[:10]}"))
        r.raise_for_status()
        ids.append(r.json()["id"])
    return ids, count / (time.monotonic() - start)


def measure(stack: Stack, gateway: httpx.Client, rate: float, count: int) -> dict:
    ids, achieved = post_at_fixed_rate(gateway, rate, count)
    wait_until(lambda: len(query(stack, DELAYS_SQL, ids)) == len(ids), timeout=120,
               message=f"{len(ids)} events to reach notify")
    rows = query(stack, DELAYS_SQL, ids)
    relay = [float(r["relay_ms"]) for r in rows]
    consumer = [float(r["consumer_ms"]) for r in rows]
    return {"achieved": achieved, "n": len(rows),
            "relay_p50": statistics.median(relay), "relay_p99": percentile(relay, 99),
            "p50": statistics.median(consumer), "p99": percentile(consumer, 99),
            "max": max(consumer)}


def restart_ticketing(stack: Stack, env: dict[str, str]) -> None:
    stack.restart_process("ticketing", env)
    wait_until(lambda: httpx.get(f"{stack.url('ticketing')}/readyz").json()
               .get("relay", {}).get("leader"), timeout=60, message="the relay to lead")


def main() -> None:
    """Tuned by BENCH_RATE (hooks/s, 20), BENCH_COUNT (per run, 400) and
    BENCH_POLL_SECONDS (the relay's fallback poll in both runs, 1)."""
    rate = float(os.environ.get("BENCH_RATE", 20))
    count = int(os.environ.get("BENCH_COUNT", 400))
    poll_seconds = float(os.environ.get("BENCH_POLL_SECONDS", 1))
    print(f"event delay, commit → notify consumer: {count} hooks at {rate:g}/s, "
          f"relay poll {poll_seconds:g}s", flush=True)
    results = {}
    with running_stack() as (stack, _), httpx.Client(
            base_url=stack.url("gateway"), timeout=30,
            event_hooks={"request": [sign_hooks]}) as gateway:
        measure(stack, gateway, rate, 20)  # warm-up: connections, topics, group
        for label, listen in (("LISTEN/NOTIFY", "true"), ("poll only", "false")):
            restart_ticketing(stack, {"OPSPACT_RELAY_LISTEN": listen,
                                      "OPSPACT_RELAY_POLL_SECONDS": str(poll_seconds)})
            results[label] = measure(stack, gateway, rate, count)

    print(f"{'relay wake-up':<15}{'rate/s':>8}{'n':>6}{'relay p50':>11}{'relay p99':>11}"
          f"{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}")
    for label, r in results.items():
        print(f"{label:<15}{r['achieved']:>8.1f}{r['n']:>6}{r['relay_p50']:>11.1f}"
              f"{r['relay_p99']:>11.1f}{r['p50']:>9.1f}{r['p99']:>9.1f}{r['max']:>9.1f}")
    listen, poll = results["LISTEN/NOTIFY"], results["poll only"]
    print(f"poll-only / LISTEN ratio: p50 {poll['p50'] / listen['p50']:.1f}×, "
          f"p99 {poll['p99'] / listen['p99']:.1f}×")
