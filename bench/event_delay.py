"""Event delay from commit to consumer, at a fixed rate of fault reports.

Starts the real stack (embedded PostgreSQL, Tansu, every process) in a temporary
directory, posts 12123 hooks through the gateway at fixed rates (BENCH_RATES, from the cheap
pre-signed generator of `bench.load`), and for every
`ticketing.ticket.created.v1` event measures, on the database's own clock:

    relay delay     outbox.created_at  → outbox.published_at   (commit → on Kafka)
    consumer delay  outbox.created_at  → notify.inbox.received_at (commit → notify)

`created_at` is the hook transaction's start; the hook's transaction is a few
milliseconds long, so it stands in for the commit. Each rate runs with the relay woken by
LISTEN/NOTIFY (the default); the first rate runs again polling only (what a
transaction-pooling PgBouncer forces), and the ratio of the two is printed. Consumers fetch
with `OPSPACT_KAFKA_FETCH_MAX_WAIT_MS` (50 by default; Tansu holds a fetch that long).
"""

from __future__ import annotations

import json
import os
import statistics

import httpx
from opspact.cli.stack import Stack
from opspact.testing.plugin import wait_until
from opspact.testing.probes import query

from bench.common import percentile, running_stack
from bench.load import run, signed_hooks

DELAYS_SQL = """
SELECT extract(epoch FROM o.published_at - o.created_at) * 1000 AS relay_ms,
       extract(epoch FROM i.received_at - o.created_at) * 1000 AS consumer_ms
  FROM ticketing.outbox o
  JOIN notify.inbox i ON i.event_id = o.event_id
 WHERE o.payload->'data'->>'ticket_id' = ANY($1::text[])
"""


def measure(stack: Stack, rate: float, count: int) -> dict:
    requests = signed_hooks(count, prefix="BENCH")
    outcome = run(stack.url("gateway"), requests, rate=rate, concurrency=64, keep_bodies=True)
    if outcome.ok != count:
        raise RuntimeError(f"{count - outcome.ok} hooks refused: {outcome.by_status}")
    ids = [json.loads(body)["id"] for body in outcome.bodies]
    wait_until(lambda: len(query(stack, DELAYS_SQL, ids)) == len(ids), timeout=300,
               message=f"{len(ids)} events to reach notify")
    rows = query(stack, DELAYS_SQL, ids)
    relay = [float(r["relay_ms"]) for r in rows]
    consumer = [float(r["consumer_ms"]) for r in rows]
    return {"achieved": count / outcome.seconds, "n": len(rows),
            "relay_p50": statistics.median(relay), "relay_p99": percentile(relay, 99),
            "p50": statistics.median(consumer), "p99": percentile(consumer, 99),
            "max": max(consumer)}


def restart_ticketing(stack: Stack, env: dict[str, str]) -> None:
    stack.restart_process("ticketing", env)
    wait_until(lambda: httpx.get(f"{stack.url('ticketing')}/readyz").json()
               .get("relay", {}).get("leader"), timeout=60, message="the relay to lead")


def main() -> None:
    """Tuned by BENCH_RATES (hooks/s, "20,30"), BENCH_COUNT (per run, 400) and
    BENCH_POLL_SECONDS (the relay's fallback poll in every run, 1)."""
    rates = [float(r) for r in os.environ.get("BENCH_RATES", "20,30").split(",")]
    count = int(os.environ.get("BENCH_COUNT", 400))
    poll_seconds = float(os.environ.get("BENCH_POLL_SECONDS", 1))
    print(f"event delay, commit → notify consumer: {count} hooks at each of {rates} /s, "
          f"relay poll {poll_seconds:g}s", flush=True)
    results = {}
    with running_stack() as (stack, _):
        measure(stack, rates[0], 20)  # warm-up: connections, topics, group
        runs = [(f"LISTEN {rate:g}/s", "true", rate) for rate in rates]
        runs.append((f"poll {rates[0]:g}/s", "false", rates[0]))
        for label, listen, rate in runs:
            restart_ticketing(stack, {"OPSPACT_RELAY_LISTEN": listen,
                                      "OPSPACT_RELAY_POLL_SECONDS": str(poll_seconds)})
            measure(stack, rate, 20)  # the restarted relay's producer connected and warm
            results[label] = measure(stack, rate, count)

    print(f"{'relay wake-up':<15}{'rate/s':>8}{'n':>6}{'relay p50':>11}{'relay p99':>11}"
          f"{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}")
    for label, r in results.items():
        print(f"{label:<15}{r['achieved']:>8.1f}{r['n']:>6}{r['relay_p50']:>11.1f}"
              f"{r['relay_p99']:>11.1f}{r['p50']:>9.1f}{r['p99']:>9.1f}{r['max']:>9.1f}")
    listen, poll = results[runs[0][0]], results[runs[-1][0]]
    print(f"poll-only / LISTEN ratio at {rates[0]:g}/s: p50 {poll['p50'] / listen['p50']:.1f}×, "
          f"p99 {poll['p99'] / listen['p99']:.1f}× (goal with LISTEN: p50 ≤ 50 ms, p99 ≤ 250 ms)")
