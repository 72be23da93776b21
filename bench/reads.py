"""Reads: one list route of each service and a ticket with its timeline, called directly and
through the gateway at a fixed moderate rate, with the service's CPU per call.

Starts the real stack (durable PostgreSQL), files BENCH_READ_TICKETS xinjiang faults (so
the ticket list's page is 50 rows, each with its clocks), then for every route sends
BENCH_READS requests at BENCH_READ_RATE per second from the cheap generator
(`bench.load`), first straight to the service with an internal token, then through the
gateway with a user's token; p50/p99 of each, and the service process's CPU per direct
call from /proc (its background loops included, which is why the rate is moderate).
Goal (issue 27): ticketing's list and ticket p50 ≤ 2 ms direct, ≤ 3 ms through the gateway.
"""

from __future__ import annotations

import json
import os
import statistics

from opspact.cli.common import dev_token

from bench.common import internal_token, percentile, running_stack
from bench.load import Prepared, run, signed_hooks, tree_cpu_seconds

ROLES = ["vendor_manager"]


def routes(ticket_id: str) -> list[tuple[str, str]]:
    """(service, path) pairs: a page of each service's main list, and one ticket."""
    return [("ticketing", "/tickets?limit=50"), ("ticketing", f"/tickets/{ticket_id}"),
            ("inventory", "/assets?limit=50"), ("billing", "/ledger?limit=50"),
            ("notify", "/notifications?limit=50")]


def timed(url: str, target: str, token: str, count: int, rate: float, tenant: str) -> list[float]:
    headers = [(b"authorization", f"Bearer {token}".encode()), (b"x-opspact-tenant", tenant.encode())]
    outcome = run(url, [Prepared("GET", target, headers)] * count, rate=rate, concurrency=4)
    if outcome.ok != count:
        raise RuntimeError(f"GET {target}: {outcome.by_status}")
    return outcome.latencies_ms


def main() -> None:
    """Tuned by BENCH_READ_TICKETS (300), BENCH_READS (400 per path), BENCH_READ_RATE (50/s)."""
    tickets = int(os.environ.get("BENCH_READ_TICKETS", 300))
    count = int(os.environ.get("BENCH_READS", 400))
    rate = float(os.environ.get("BENCH_READ_RATE", 50))
    tenant = "xinjiang"
    print(f"reads: {count} calls per path at {rate:g}/s, {tickets} tickets filed first", flush=True)
    rows = []
    with running_stack(durable=True) as (stack, _):
        filed = run(stack.url("gateway"), signed_hooks(tickets), concurrency=8, keep_bodies=True)
        ticket_id = json.loads(filed.bodies[-1])["id"]
        user = dev_token([tenant], ROLES)
        for service, path in routes(ticket_id):
            token = internal_token(stack, service, tenant, ROLES)
            timed(stack.url(service), path, token, 40, rate, tenant)  # warm-up
            before = tree_cpu_seconds(stack.procs[service].pid)
            direct = timed(stack.url(service), path, token, count, rate, tenant)
            cpu_ms = (tree_cpu_seconds(stack.procs[service].pid) - before) / count * 1000
            via = timed(stack.url("gateway"), f"/api/{service}{path}", user, count, rate, tenant)
            rows.append((f"{service} {path.replace(ticket_id, '{id}')}", direct, via, cpu_ms))
    print(f"{'route':<36}{'direct p50':>11}{'p99':>8}{'gateway p50':>13}{'p99':>8}{'CPU ms/call':>13}")
    for label, direct, via, cpu_ms in rows:
        print(f"{label:<36}{statistics.median(direct):>11.2f}{percentile(direct, 99):>8.2f}"
              f"{statistics.median(via):>13.2f}{percentile(via, 99):>8.2f}{cpu_ms:>13.2f}")
    list_p50 = statistics.median(rows[0][1])
    print(f"ticketing list p50 direct {list_p50:.2f} ms = {list_p50 / 2:.2f}× the 2 ms goal; "
          f"through the gateway {statistics.median(rows[0][2]):.2f} ms (goal ≤ 3 ms)")
