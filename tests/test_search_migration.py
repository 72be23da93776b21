"""Upgrading a database that already holds tickets: migration 0017 gives them their search
words (internal comments kept apart) and their resolution time, so nothing written before the
upgrade is unfindable after it."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import uuid

import asyncpg
from opspact.cli.stack import DEFAULT_PORTS, Stack, free_port
from opspact.db import asyncpg_connect_args

SEED = [
    """INSERT INTO ticketing.tickets (id, tenant_id, number, kind, status, priority, channel,
           system_code, title, description, created_at, updated_at)
       VALUES ($1, 'zhuhai', 'T2025-000007', 'incident', 'resolved', 'p3', 'hotline',
               'smart-station', '门禁无法刷卡', '读卡器故障', now(), now())""",
    """INSERT INTO ticketing.ticket_timeline (tenant_id, ticket_id, actor, action, note, to_status, at)
       VALUES ('zhuhai', $1, 'engineer', 'status_changed', '', 'resolved', '2025-06-01T10:00:00+08:00')""",
    """INSERT INTO ticketing.ticket_comments (tenant_id, ticket_id, author, visibility, body)
       VALUES ('zhuhai', $1, 'engineer', 'internal', '更换了读卡器模块')""",
]


def _alembic(stack: Stack, *args: str) -> None:
    ini = stack.root / "services" / "ticketing" / "alembic.ini"
    result = subprocess.run([sys.executable, "-m", "alembic", "-c", str(ini), *args],
                            env={**os.environ, "OPSPACT_DATABASE_URL": stack.database_url},
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]


async def _run(url: str, *statements, ticket_id=None, fetch: str | None = None):
    conn = await asyncpg.connect(**asyncpg_connect_args(url))
    try:
        for sql in statements:
            await conn.execute(sql, ticket_id)
        return await conn.fetchrow(fetch, ticket_id) if fetch else None
    finally:
        await conn.close()


def test_tickets_written_before_the_search_index_are_found_after_the_upgrade(tmp_path):
    stack = Stack(data_dir=tmp_path, ports={n: free_port() for n in DEFAULT_PORTS}, durable=False)
    stack.start_postgres()
    try:
        stack.bootstrap_database()
        stack.migrate()
        _alembic(stack, "downgrade", "0016")
        ticket_id = uuid.uuid4()
        asyncio.run(_run(stack.database_url, *SEED, ticket_id=ticket_id))
        _alembic(stack, "upgrade", "head")
        found = asyncio.run(_run(stack.database_url, ticket_id=ticket_id, fetch="""
            SELECT s.public_terms @@ '门禁'::tsquery AS title, s.public_terms @@ '000007'::tsquery AS serial,
                   s.all_terms @@ '模块'::tsquery AS internal, s.public_terms @@ '模块'::tsquery AS leaked,
                   t.resolved_at
              FROM ticketing.ticket_search s JOIN ticketing.tickets t ON t.id = s.ticket_id
             WHERE s.ticket_id = $1"""))
        assert found is not None, "the ticket has no search words after the upgrade"
        assert found["title"] and found["serial"] and found["internal"] and not found["leaked"]
        assert found["resolved_at"].isoformat() == "2025-06-01T02:00:00+00:00"
    finally:
        stack.stop()
