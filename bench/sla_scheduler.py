"""SLA scheduler: breach detection lag and tick cost, 10,000 vs 1,000,000 open tickets.

Starts embedded PostgreSQL in a temporary directory and runs the migrations (no
broker: the scheduler only writes the outbox). Fills the database with open
xinjiang tickets, each with its two running clocks due over the next month, then
for each size:

    tick cost   the mean time of a scheduler tick that finds nothing due (what the
                leader pays four times a second, all day)
    lag         for probe clocks falling due one after another while the scheduler
                runs as leader: outbox.created_at (its transaction's now) − due_at

The same probes run at 10k and then, after growing the table, at 1M; the ratio of
the tick costs is printed (goal ≤ 1.5×; lag p99 goal ≤ 1 s).
"""

from __future__ import annotations

import asyncio
import os
import statistics
import time

import asyncpg
from opspact.db import Database, asyncpg_connect_args
from ticketing.sla.scheduler import SlaScheduler

from bench.common import migrated_database, percentile

FILL_SQL = """
WITH t AS (
  INSERT INTO ticketing.tickets (id, tenant_id, kind, status, priority, channel, system_code,
                                 title, description, created_at, updated_at)
  SELECT gen_random_uuid(), 'xinjiang', 'incident', 'new', 'p3', 'hook', '12123-fees',
         'bench', '', now(), now()
    FROM generate_series(1, $1)
  RETURNING id, created_at)
INSERT INTO ticketing.ticket_sla_clocks (tenant_id, ticket_id, clock, policy, target, clause,
                                         schedule, stops_at, state, started_at, due_at, warn_at)
SELECT 'xinjiang', t.id, c.clock, 'incident', c.target, 'bench', '7x24', c.stops, 'running',
       t.created_at, due, due - interval '1 hour'
  FROM t CROSS JOIN (VALUES ('on_site', '2 hours', 'on_site'),
                            ('resolution', '48 hours', 'resolved')) AS c(clock, target, stops)
  CROSS JOIN LATERAL (SELECT now() + interval '1 day' + random() * interval '30 days') AS d(due)
"""

PROBES_SQL = """
WITH t AS (
  INSERT INTO ticketing.tickets (id, tenant_id, kind, status, priority, channel, system_code,
                                 title, description, created_at, updated_at)
  SELECT gen_random_uuid(), 'xinjiang', 'incident', 'new', 'p1', 'hook', '12123-fees',
         'probe ' || $1::text || ' ' || n, '', now(), now() FROM generate_series(1, $2::int) AS n
  RETURNING id, created_at, title)
INSERT INTO ticketing.ticket_sla_clocks (tenant_id, ticket_id, clock, policy, target, clause,
                                         schedule, stops_at, state, started_at, due_at, warn_at)
SELECT 'xinjiang', t.id, 'resolution', 'incident', '48 hours', 'bench', '7x24', 'resolved',
       'running', t.created_at,
       now() + interval '2 seconds' + split_part(t.title, ' ', 3)::int * $3::float8 * interval '1 second',
       now() + interval '1 day'
  FROM t
"""

LAG_SQL = """
SELECT extract(epoch FROM o.created_at - (o.payload->'data'->>'due_at')::timestamptz) AS lag
  FROM ticketing.outbox o
 WHERE o.event_type = 'ticketing.sla.breached.v1' AND o.payload->'data'->>'title' LIKE $1
"""


async def fill(conn: asyncpg.Connection, tickets: int, chunk: int = 100_000) -> None:
    while tickets > 0:
        await conn.execute(FILL_SQL, min(chunk, tickets))
        tickets -= chunk
    await conn.execute("VACUUM ANALYZE ticketing.ticket_sla_clocks")
    await conn.execute("VACUUM ANALYZE ticketing.tickets")


async def idle_tick_ms(scheduler: SlaScheduler, ticks: int) -> float:
    for _ in range(20):  # warm caches and the connection pool
        await scheduler.tick()
    samples = []
    for _ in range(ticks):
        start = time.perf_counter()
        await scheduler.tick()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


async def lags(conn: asyncpg.Connection, scheduler: SlaScheduler, label: str, probes: int,
               spacing: float) -> list[float]:
    await conn.execute(PROBES_SQL, label, probes, spacing)
    runner = asyncio.create_task(scheduler.run())
    try:
        deadline = time.monotonic() + 2 + probes * spacing + 10
        while time.monotonic() < deadline:
            rows = await conn.fetch(LAG_SQL, f"probe {label} %")
            if len(rows) == probes:
                return [float(r["lag"]) for r in rows]
            await asyncio.sleep(0.5)
        raise RuntimeError(f"only {len(rows)} of {probes} probe breaches were announced")
    finally:
        scheduler.stop()
        await runner


async def measure(owner_url: str, app_url: str, size: str, probes: int, spacing: float,
                  tick_seconds: float) -> dict:
    conn = await asyncpg.connect(**asyncpg_connect_args(owner_url))
    db = Database(app_url, 4)
    try:
        plan = "\n".join(r[0] for r in await conn.fetch(
            "EXPLAIN SELECT id FROM ticketing.ticket_sla_clocks WHERE state = 'running' "
            "AND breached_at IS NULL AND due_at <= now() ORDER BY due_at LIMIT 500"))
        cost = await idle_tick_ms(SlaScheduler(db, tick_seconds), 200)
        lag = await lags(conn, SlaScheduler(db, tick_seconds), size, probes, spacing)
        return {"tick_ms": cost, "lag_p50": statistics.median(lag),
                "lag_p99": percentile(lag, 99), "lag_max": max(lag), "n": len(lag),
                "index": "ticket_sla_clocks_due" in plan}
    finally:
        await db.dispose()
        await conn.close()


def main() -> None:
    """Tuned by BENCH_SLA_LARGE (open tickets in the large run, 1,000,000),
    BENCH_SLA_PROBES (breaches timed per run, 200) and BENCH_SLA_TICK (seconds, 0.25)."""
    small, large = 10_000, int(os.environ.get("BENCH_SLA_LARGE", 1_000_000))
    probes = int(os.environ.get("BENCH_SLA_PROBES", 200))
    tick = float(os.environ.get("BENCH_SLA_TICK", 0.25))
    spacing = 0.05
    print(f"SLA scheduler: {small:,} vs {large:,} open tickets (2 clocks each), "
          f"{probes} probe breaches {spacing:g}s apart, tick {tick:g}s", flush=True)
    with migrated_database() as stack:
        app_url = stack.app_database_url("ticketing")
        results = {}

        async def run() -> None:
            conn = await asyncpg.connect(**asyncpg_connect_args(stack.database_url))
            try:
                started = time.monotonic()
                await fill(conn, small)
                print(f"  filled {small:,} in {time.monotonic() - started:.0f}s", flush=True)
                results[f"{small:,}"] = await measure(stack.database_url, app_url, "small",
                                                      probes, spacing, tick)
                started = time.monotonic()
                await fill(conn, large - small)
                print(f"  filled {large:,} in {time.monotonic() - started:.0f}s", flush=True)
                results[f"{large:,}"] = await measure(stack.database_url, app_url, "large",
                                                      probes, spacing, tick)
            finally:
                await conn.close()

        asyncio.run(run())
    print(f"{'open tickets':<14}{'idle tick ms':>13}{'lag p50 s':>11}{'lag p99 s':>11}"
          f"{'lag max s':>11}{'n':>6}{'index':>7}")
    for label, r in results.items():
        print(f"{label:<14}{r['tick_ms']:>13.2f}{r['lag_p50']:>11.3f}{r['lag_p99']:>11.3f}"
              f"{r['lag_max']:>11.3f}{r['n']:>6}{'yes' if r['index'] else 'NO':>7}")
    a, b = results.values()
    print(f"tick cost ratio {large:,}/{small:,}: {b['tick_ms'] / a['tick_ms']:.2f}× (goal ≤ 1.5×); "
          f"lag p99 {max(a['lag_p99'], b['lag_p99']):.3f}s (goal ≤ 1 s)")
