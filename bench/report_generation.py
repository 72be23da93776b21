"""Report generation: zhuhai's monthly report with 50,000 tickets in the tenant.

Starts embedded PostgreSQL in a temporary directory, runs the migrations, registers
zhuhai's ticketing slice and fills a year of records: BENCH_REPORT_TICKETS tickets
(50,000) spread over 2025, each with its SLA clocks and, for most, a resolution on the
timeline; a work log. Then, side by side in one run:

    read      the bare SELECT of the month's tickets (the floor any report pays)
    month     the monthly report: facts gathered, built (charts), DOCX and XLSX written
    dense     the same with every ticket in one month (the worst case a month can be)

and the PDF of each, reported apart: the archive copy (POST /report-archive renders the
DOCX and the PDF once per period). Goal: month DOCX + XLSX ≤ 5 s.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from datetime import datetime

import asyncpg
from opspact.calendar import SHANGHAI
from opspact.cli.stack import repo_root
from opspact.db import Database, asyncpg_connect_args
from opspact.tenancy.model import load_tenant_files
from opspact.tenancy.registry import content_hash
from ticketing.reports import periods, render_docx, render_pdf, render_xlsx, service

from bench.common import migrated_database

TENANT = "zhuhai"
FILL_SQL = """
WITH t AS (
  INSERT INTO ticketing.tickets (id, tenant_id, kind, status, priority, channel, system_code,
                                 title, description, created_at, updated_at)
  SELECT gen_random_uuid(), $1, (ARRAY['incident','incident','service_request','consultation'])[1 + n % 4],
         CASE WHEN n % 10 < 8 THEN 'resolved' ELSE 'on_site' END, 'p' || (1 + n % 4), 'hotline',
         (ARRAY['smart-station','interfaces','data-resources'])[1 + n % 3],
         '派出所系统故障 ' || n, '民警反映系统登录缓慢，页面长时间无响应，影响窗口业务办理',
         $2::timestamptz + ((n + $5::int) * $3::float8) * interval '1 second', now()
    FROM generate_series(1, $4::int) AS n
  RETURNING id, created_at, status),
clocks AS (
  INSERT INTO ticketing.ticket_sla_clocks (tenant_id, ticket_id, clock, policy, target, clause,
                                           schedule, stops_at, state, started_at, due_at,
                                           stopped_at, breached_at)
  SELECT $1, t.id, c.clock, 'incident', c.target, '合同条款', '7x24', c.stops,
         CASE WHEN random() < 0.9 THEN 'met' ELSE 'breached' END, t.created_at,
         t.created_at + c.span, t.created_at + c.span * random() * 1.1, NULL
    FROM t CROSS JOIN (VALUES ('response', '2 hours', 'acknowledged', interval '2 hours'),
                              ('resolution', '5 working days', 'resolved', interval '5 days'))
                      AS c(clock, target, stops, span))
INSERT INTO ticketing.ticket_timeline (tenant_id, ticket_id, at, actor, action, note, from_status, to_status)
SELECT $1, t.id, t.created_at + interval '3 hours', 'engineer', 'transition',
       '重启应用服务并清理缓存后恢复正常，已告知报障民警', 'on_site', 'resolved'
  FROM t WHERE t.status = 'resolved'
"""
WORKLOG_SQL = """
INSERT INTO ticketing.worklog_entries (tenant_id, category, occurred_at, system_code, initiator, handler,
                               handling, feedback, minutes_spent, created_by)
SELECT $1, 'fault', $2::timestamptz + (n * $3::float8) * interval '1 second', 'smart-station',
       '派出所民警', '工程师' || (n % 5), '远程协助处理登录问题', '已恢复', 30, 'bench'
  FROM generate_series(1, $4::int) AS n
"""


async def register(conn: asyncpg.Connection) -> None:
    tenant = next(t for t in load_tenant_files(repo_root() / "deploy" / "tenants") if t.slug == TENANT)
    document = tenant.slice_for("ticketing")
    await conn.execute("INSERT INTO ticketing.tenants (tenant_id, name, config, config_hash) "
                       "VALUES ($1, $2, $3::jsonb, $4)", TENANT, tenant.name,
                       json.dumps(document, ensure_ascii=False), content_hash(document))


async def fill(conn: asyncpg.Connection, tickets: int, start: datetime, seconds: int) -> None:
    chunk = 10_000
    for offset in range(0, tickets, chunk):
        n = min(chunk, tickets - offset)
        await conn.execute(FILL_SQL, TENANT, start, seconds / tickets, n, offset)
    await conn.execute(WORKLOG_SQL, TENANT, start, seconds / 2000, 2000)
    for table in ("tickets", "ticket_sla_clocks", "ticket_timeline", "worklog_entries"):
        await conn.execute(f"VACUUM ANALYZE ticketing.{table}")


async def month_report(db: Database, code: str, pdf: bool = True) -> dict:
    period = periods.parse("monthly", code)
    timings = {}
    started = time.perf_counter()
    async with db.unit_of_work(TENANT) as session:
        report = await service.build(session, TENANT, period)
    timings["build"] = time.perf_counter() - started
    renderers = [("docx", render_docx.render), ("xlsx", render_xlsx.render)]
    for name, render in renderers + ([("pdf", render_pdf.render)] if pdf else []):
        started = time.perf_counter()
        content = render(report)
        timings[name] = time.perf_counter() - started
        timings[f"{name}_bytes"] = len(content)
    timings["faults"] = len(report.sections[2].tables[0].rows)
    timings["tickets"] = report.numbers["tickets"]
    return timings


async def bare_read(conn: asyncpg.Connection, code: str) -> float:
    period = periods.parse("monthly", code)
    started = time.perf_counter()
    await conn.fetch("SELECT * FROM ticketing.tickets WHERE tenant_id = $1 AND created_at >= $2 "
                     "AND created_at < $3", TENANT, period.start, period.end)
    return time.perf_counter() - started


def main() -> None:
    """BENCH_REPORT_TICKETS: tickets in the tenant (50,000)."""
    tickets = int(os.environ.get("BENCH_REPORT_TICKETS", 50_000))
    print(f"report generation: zhuhai, {tickets:,} tickets over 2025 (+ {tickets:,} in 2026-02)",
          flush=True)
    with migrated_database() as stack:
        results = {}

        async def run() -> None:
            conn = await asyncpg.connect(**asyncpg_connect_args(stack.database_url))
            db = Database(stack.app_database_url("ticketing"), 4)
            try:
                await register(conn)
                started = time.monotonic()
                await fill(conn, tickets, datetime(2025, 1, 1, tzinfo=SHANGHAI), 365 * 86400)
                await fill(conn, tickets, datetime(2026, 2, 1, tzinfo=SHANGHAI), 28 * 86400)
                print(f"  filled in {time.monotonic() - started:.0f}s", flush=True)
                await month_report(db, "2025-02", pdf=False)  # warm: fonts, imports, plans
                results["read"] = await bare_read(conn, "2025-03")
                results["month"] = await month_report(db, "2025-03")
                results["dense"] = await month_report(db, "2026-02")
            finally:
                await db.dispose()
                await conn.close()

        asyncio.run(run())
    print(f"{'report':<10}{'tickets':>9}{'faults':>8}{'build s':>9}{'docx s':>8}{'xlsx s':>8}"
          f"{'pdf s':>8}{'docx+xlsx s':>13}{'archive s':>11}")
    for label in ("month", "dense"):
        r = results[label]
        total = r["build"] + r["docx"] + r["xlsx"]
        archive = r["build"] + r["docx"] + r["pdf"]  # what publishing a period costs
        print(f"{label:<10}{r['tickets']:>9,}{r['faults']:>8,}{r['build']:>9.2f}{r['docx']:>8.2f}"
              f"{r['xlsx']:>8.2f}{r['pdf']:>8.2f}{total:>13.2f}{archive:>11.2f}")
    month = results["month"]
    total = month["build"] + month["docx"] + month["xlsx"]
    print(f"bare read of the month's tickets {results['read']:.3f}s; monthly report (DOCX + XLSX) "
          f"{total:.2f}s = {total / results['read']:.0f}× the bare read; goal ≤ 5 s: "
          f"{'met' if total <= 5 else 'NOT met'}")
