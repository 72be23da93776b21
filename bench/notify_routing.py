"""Notify's consumer alone: CPU per event taken in and per message routed, rendered and queued.

The stack starts; notify is restarted with its sender asleep (`OPSPACT_NOTIFY_SENDER_POLL_SECONDS`
an hour), so what it spends is the consumer's work: the inbox row, the routing rules, the
on-duty lookup, the template rendered in its render pool, the frequency and quota figures
the message carries, the queue row — in notify's process and its render workers (shown
apart). Its idle CPU over a window as long is measured first and
subtracted. `BENCH_ROUTING_FAULTS` (1,000) faults go in at `BENCH_ROUTING_RATE` (50) per
second through the gateway. Goal (issue 27): ≤ 1.5 ms of CPU per message queued.
"""

from __future__ import annotations

import os
import time

from opspact.testing.plugin import wait_until
from opspact.testing.probes import query

from bench.common import running_stack
from bench.load import _stat, run, signed_hooks, tree_cpu_seconds

COUNTS_SQL = """
SELECT (SELECT count(*) FROM notify.inbox) AS events,
       (SELECT count(*) FROM notify.notifications WHERE status = 'queued') AS queued,
       (SELECT count(*) FROM ticketing.outbox WHERE published_at IS NULL) AS unpublished
"""


def own_cpu_seconds(pid: int) -> float:
    """The process alone: its render workers (children of its forkserver) not counted."""
    return _stat(pid)[1]


def counts(stack) -> dict:
    return dict(query(stack, COUNTS_SQL)[0])


def main() -> None:
    faults = int(os.environ.get("BENCH_ROUTING_FAULTS", 1000))
    rate = float(os.environ.get("BENCH_ROUTING_RATE", 50))
    print(f"notify-routing: {faults} faults at {rate:g}/s, notify's sender asleep", flush=True)
    with running_stack(durable=True) as (stack, _):
        stack.stop_process("notify")
        stack.start_process("notify", {"OPSPACT_NOTIFY_SENDER_POLL_SECONDS": "3600"})
        time.sleep(5)
        pid = stack.procs["notify"].pid
        window = faults / rate + 5
        before, own_before = tree_cpu_seconds(pid), own_cpu_seconds(pid)
        time.sleep(window)
        idle_rate = (tree_cpu_seconds(pid) - before) / window
        own_idle_rate = (own_cpu_seconds(pid) - own_before) / window
        start, first = time.monotonic(), counts(stack)
        before, own_before = tree_cpu_seconds(pid), own_cpu_seconds(pid)
        outcome = run(stack.url("gateway"), signed_hooks(faults), rate=rate, concurrency=16)
        if outcome.ok != faults:
            raise RuntimeError(f"hooks: {outcome.by_status}")
        settled: dict = {}

        def caught_up() -> bool:
            settled.update(counts(stack))
            return settled["queued"] - first["queued"] >= faults and settled["unpublished"] == 0
        wait_until(caught_up, timeout=300, interval=0.2, message=f"{faults} messages queued")
        time.sleep(1)  # the events after the last message (clocks and the like) as well
        last = counts(stack)
        took = time.monotonic() - start
        used = tree_cpu_seconds(pid) - before - idle_rate * took
        own = own_cpu_seconds(pid) - own_before - own_idle_rate * took
    events, queued = last["events"] - first["events"], last["queued"] - first["queued"]
    print(f"{'faults':>8}{'events':>8}{'queued':>8}{'window s':>10}{'CPU s':>8}{'notify':>8}"
          f"{'renderers':>11}{'idle CPU s':>12}")
    print(f"{faults:>8}{events:>8}{queued:>8}{took:>10.1f}{used:>8.2f}{own:>8.2f}{used - own:>11.2f}"
          f"{idle_rate * took:>12.2f}")
    per_message = used / queued * 1000
    print(f"notify's consumer: {used / events * 1000:.2f} ms of CPU per event, {per_message:.2f} ms per "
          f"message queued = {per_message / 1.5:.2f}× the 1.5 ms goal")
