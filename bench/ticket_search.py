"""Ticket search and export at size: `q=` over 200,000 tickets, and an export of 100,000.

Embedded PostgreSQL only (migrated, no services): the list's own query code
(`search.filters.Selection` + `tickets.repository.page`) and the export's
(`search.export.rows` into `opspact.tabular_stream`) run against a filled database.

    search   p50/p99 of a page (count + 50 rows) for word queries, beside the same page
             without words; the plan must use the GIN index (ticket_search_all)
    export   seconds and peak Python memory for 100,000 rows as XLSX and as CSV, beside
             reading the same rows without writing them

BENCH_SEARCH_TICKETS (200000), BENCH_SEARCH_QUERIES (200), BENCH_EXPORT_ROWS (100000).
"""

from __future__ import annotations

import asyncio
import os
import random
import re
import statistics
import time
import tracemalloc
import uuid
from datetime import UTC, datetime

import asyncpg
from opspact import tabular_stream
from opspact.db import Database, asyncpg_connect_args
from sqlalchemy import text
from sqlalchemy.dialects import postgresql
from ticketing.knowledge.segment import document_terms
from ticketing.search import export
from ticketing.search.filters import Selection, TicketFilters
from ticketing.search.index import number_terms
from ticketing.tickets import repository
from ticketing.tickets.models import Ticket

from bench.common import migrated_database, percentile

TENANT = "zhuhai"
SYSTEMS = ["人像比对服务", "门禁系统", "视频云平台", "人口查询", "警情统计接口", "数字证书认证",
           "数据同步服务"]
SYMPTOMS = ["无响应", "登录失败", "查询超时", "数据库连接池满", "接口返回500", "页面空白", "证书过期",
            "同步延迟", "磁盘空间不足", "内存溢出", "网络中断", "打印异常", "权限错误", "报表导出失败"]
SENTENCES = ["值班人员电话报告故障", "已远程登录服务器排查", "重启应用后恢复", "对方接口限流导致超时",
             "数据库慢查询占满连接", "已联系硬件厂商更换硬盘", "客户要求今天下班前恢复", "现场工程师已到达",
             "日志显示大量超时错误", "升级补丁后问题消失", "网络设备端口故障", "备份任务占用带宽"]
QUERIES = ["数据库连接", "门禁 登录失败", "视频云平台", "超时", "证书", "磁盘空间", "重启", "接口 限流",
           "内存溢出", "同步延迟", "打印", "网络中断 端口", "报表导出", "人口查询 超时"]
PAGE = 50

INSERT_TICKETS = """
INSERT INTO ticketing.tickets (id, tenant_id, number, kind, status, priority, channel, system_code,
                               title, description, reporter, created_at, updated_at)
SELECT id, $1, number, 'incident', 'resolved', 'p3', 'hotline', 'smart-station', title, description,
       'bench', created, created
  FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::timestamptz[])
       AS u(id, number, title, description, created)
"""


def _vector(column: str, weight: str) -> str:
    return f"setweight(array_to_tsvector(array_remove(string_to_array({column}, ' '), '')), '{weight}')"


# the same lexemes and weights as ticketing.search.index writes (no internal comments here)
INSERT_TERMS = f"""
INSERT INTO ticketing.ticket_search (ticket_id, tenant_id, public_terms, all_terms)
SELECT id, $1, {_vector('a', 'A')} || {_vector('b', 'B')}, {_vector('a', 'A')} || {_vector('b', 'B')}
  FROM unnest($2::uuid[], $3::text[], $4::text[]) AS u(id, a, b)
"""


async def fill(url: str, tickets: int, chunk: int = 5000) -> None:
    conn = await asyncpg.connect(**asyncpg_connect_args(url))
    rng = random.Random(7)
    cut = {p: document_terms(p) for p in SYSTEMS + SYMPTOMS + SENTENCES}  # each phrase cut once
    start = time.time() - 365 * 86400
    try:
        for first in range(0, tickets, chunk):
            ids, numbers, titles, descriptions, created, a_terms, b_terms = [], [], [], [], [], [], []
            for n in range(first, min(tickets, first + chunk)):
                system, symptom = rng.choice(SYSTEMS), rng.choice(SYMPTOMS)
                said = rng.sample(SENTENCES, 3)
                ids.append(uuid.uuid4())
                numbers.append(f"T2026-{n + 1:06d}")
                titles.append(f"{system}{symptom}")
                descriptions.append("，".join(said))
                created.append(datetime.fromtimestamp(start + n * 365 * 86400 / tickets, UTC))
                a_terms.append(f"{number_terms(numbers[-1])} {cut[system]} {cut[symptom]}")
                b_terms.append(" ".join(cut[s] for s in said))
            await conn.execute(INSERT_TICKETS, TENANT, ids, numbers, titles, descriptions, created)
            await conn.execute(INSERT_TERMS, TENANT, ids, a_terms, b_terms)
        await conn.execute("VACUUM ANALYZE ticketing.tickets")
        await conn.execute("VACUUM ANALYZE ticketing.ticket_search")
    finally:
        await conn.close()


def filters(q: str | None) -> TicketFilters:
    return TicketFilters(q=q)


async def page_ms(db: Database, q: str | None) -> float:
    async with db.unit_of_work(TENANT) as session:
        started = time.perf_counter()
        await repository.page(session, Selection(filters(q), TENANT, True), PAGE, 0)
        return (time.perf_counter() - started) * 1000


async def plan(db: Database, q: str) -> str:
    """EXPLAIN of a page's rows query, its parameters written in as literals."""
    selection = Selection(filters(q), TENANT, True)
    async with db.unit_of_work(TENANT) as session:
        await selection.settle(session)  # the order the list applies (recency past 1,000 matches)
    compiled = selection.select(Ticket).order_by(*selection.order()).limit(PAGE).compile(
        dialect=postgresql.dialect())
    literal = {k: ("'" + v.replace("'", "''") + "'") if isinstance(v, str) else str(v)
               for k, v in compiled.params.items()}
    sql = re.sub(r"%\((\w+)\)s", lambda m: literal[m.group(1)], str(compiled))
    async with db.unit_of_work(TENANT) as session:
        rows = await session.execute(text(f"EXPLAIN {sql}"))
        return "\n".join(r[0] for r in rows)


async def search(url: str, queries: int) -> None:
    db = Database(url, 4)
    try:
        for q in QUERIES[:3]:  # warm
            await page_ms(db, q)
        rng = random.Random(11)
        worded = [await page_ms(db, rng.choice(QUERIES)) for _ in range(queries)]
        plain = [await page_ms(db, None) for _ in range(queries)]
        broad, narrow = await plan(db, "数据库连接"), await plan(db, "内存溢出 门禁 无响应")
        print(f"{'query':<18}{'n':>6}{'p50 ms':>10}{'p99 ms':>10}{'mean ms':>10}")
        for name, values in (("q= (words)", worded), ("no words", plain)):
            print(f"{name:<18}{len(values):>6}{percentile(values, 50):>10.2f}{percentile(values, 99):>10.2f}"
                  f"{statistics.mean(values):>10.2f}")
        uses = "ticket_search_all" in narrow
        print(f"q= / plain p50: {percentile(worded, 50) / percentile(plain, 50):.2f}×; "
              f"a narrow search's plan uses the GIN index: {'yes' if uses else 'NO'}")
        print(f"\nplan, broad words (recency past 1,000 matches):\n{broad}\n\nplan, narrow words:\n{narrow}")
    finally:
        await db.dispose()


async def export_run(url: str, rows: int, fmt: str | None) -> tuple[float, float, int]:
    """(seconds, peak MiB of Python allocations, bytes written); fmt None: read only."""
    db = Database(url, 2)
    selection = Selection(TicketFilters(), TENANT, True, "created_at")
    tracemalloc.start()
    started = time.perf_counter()
    size = 0
    try:
        found = export.rows(db, selection, {})
        if fmt is None:
            async for _ in found:
                size += 1
        else:
            body = (tabular_stream.xlsx_chunks("工单", export.HEADER, found, export.WIDTHS) if fmt == "xlsx"
                    else tabular_stream.csv_chunks(export.HEADER, found, "gb18030"))
            async for chunk in body:
                size += len(chunk)
        seconds = time.perf_counter() - started
        return seconds, tracemalloc.get_traced_memory()[1] / 2**20, size
    finally:
        tracemalloc.stop()
        await db.dispose()


async def exports(url: str, rows: int) -> None:
    export.MAX_ROWS = rows  # the export's own cap is the figure asked for
    print(f"\n{'export of ' + format(rows, ','):<22}{'seconds':>9}{'peak MiB':>10}{'MiB out':>9}")
    results = {}
    for name, fmt in (("read only", None), ("xlsx", "xlsx"), ("csv (GB18030)", "csv")):
        seconds, peak, size = await export_run(url, rows, fmt)
        results[name] = seconds
        out = f"{size / 2**20:>9.1f}" if fmt else f"{'—':>9}"
        print(f"{name:<22}{seconds:>9.2f}{peak:>10.1f}{out}")
    print(f"xlsx / read only: {results['xlsx'] / results['read only']:.2f}×; "
          f"csv / read only: {results['csv (GB18030)'] / results['read only']:.2f}×")


def main() -> None:
    tickets = int(os.environ.get("BENCH_SEARCH_TICKETS", "200000"))
    queries = int(os.environ.get("BENCH_SEARCH_QUERIES", "200"))
    rows = int(os.environ.get("BENCH_EXPORT_ROWS", "100000"))
    with migrated_database() as stack:
        url = stack.database_url
        started = time.perf_counter()
        asyncio.run(fill(url, tickets))
        print(f"filled {tickets:,} tickets in {time.perf_counter() - started:.0f} s\n")
        asyncio.run(search(stack.app_database_url("ticketing"), queries))
        asyncio.run(exports(stack.app_database_url("ticketing"), rows))


if __name__ == "__main__":
    main()
