"""CPU per fault, end to end: hook → incident with its clocks → outbox → Kafka → notify →
routed, rendered, quota-checked SMS → the provider (the local sink).

Starts the real stack (durable PostgreSQL) in a temporary directory, warms it up, then
posts BENCH_FAULTS distinct xinjiang 12123 faults through the gateway at BENCH_FAULT_RATE
per second from the cheap generator (`bench.load`), waits until the sink has taken one SMS
per fault and every outbox is empty, and divides the CPU every process of the stack used
in that window (from /proc, PostgreSQL's backends included) by the faults. The same
window's length with nothing posted is measured first: its CPU is what the stack spends
idle (schedulers, heartbeats, empty fetches) and is printed beside, not subtracted.
The generator's own CPU is printed and excluded.
"""

from __future__ import annotations

import os
import time

import httpx
from opspact.testing.plugin import wait_until
from opspact.testing.probes import query

from bench.common import running_stack
from bench.load import cpu_between, own_cpu, run, signed_hooks, stack_cpu

BACKLOG_SQL = """
SELECT (SELECT count(*) FROM ticketing.outbox WHERE published_at IS NULL)
     + (SELECT count(*) FROM notify.outbox WHERE published_at IS NULL) AS n
"""


def sink_accepted(stack) -> int:
    return httpx.get(f"{stack.url('sms-sink')}/stats").json()["accepted"]


def settled(stack, expected: int) -> bool:
    return sink_accepted(stack) >= expected and query(stack, BACKLOG_SQL)[0]["n"] == 0


def measure(stack, count: int, rate: float) -> dict:
    requests = signed_hooks(count)
    expected = sink_accepted(stack) + count
    before, mine, start = stack_cpu(stack), own_cpu(), time.monotonic()
    outcome = run(stack.url("gateway"), requests, rate=rate, concurrency=32)
    mine = own_cpu() - mine
    wait_until(lambda: settled(stack, expected), timeout=300, interval=0.1,
               message=f"{count} SMS at the sink and empty outboxes")
    window = time.monotonic() - start
    used = cpu_between(before, stack_cpu(stack))
    if outcome.ok != count:
        raise RuntimeError(f"{count - outcome.ok} hooks refused: {outcome.by_status}")
    return {"used": used, "window": window, "generator": mine, "achieved": count / outcome.seconds}


def idle(stack, seconds: float) -> dict[str, float]:
    before = stack_cpu(stack)
    time.sleep(seconds)
    return cpu_between(before, stack_cpu(stack))


def main() -> None:
    """Tuned by BENCH_FAULTS (2,000), BENCH_FAULT_RATE (per second, 100)."""
    count = int(os.environ.get("BENCH_FAULTS", 2000))
    rate = float(os.environ.get("BENCH_FAULT_RATE", 100))
    print(f"fault-cpu: {count} faults at {rate:g}/s, hook → SMS at the sink", flush=True)
    with running_stack(durable=True) as (stack, _):
        measure(stack, 200, rate)  # warm-up: connections, topics, groups, caches
        result = measure(stack, count, rate)
        quiet = idle(stack, result["window"])
    used, window = result["used"], result["window"]
    total = sum(used.values())
    print(f"posted at {result['achieved']:.1f}/s; window {window:.1f} s until the last SMS")
    print(f"{'process':<14}{'CPU s':>8}{'ms/fault':>10}{'idle CPU s':>12}")
    for name, seconds in sorted(used.items(), key=lambda kv: -kv[1]):
        if seconds > 0.005 or quiet.get(name, 0) > 0.005:
            print(f"{name:<14}{seconds:>8.2f}{seconds / count * 1000:>10.2f}{quiet.get(name, 0):>12.2f}")
    print(f"{'all':<14}{total:>8.2f}{total / count * 1000:>10.2f}{sum(quiet.values()):>12.2f}")
    print(f"generator (excluded): {result['generator']:.2f} s = "
          f"{result['generator'] / count * 1000:.2f} ms/fault")
    print(f"CPU per fault end to end: {total / count * 1000:.2f} ms (goal ≤ 5 ms); "
          f"of it idle work {sum(quiet.values()) / count * 1000:.2f} ms")
