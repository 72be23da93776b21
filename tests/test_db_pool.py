"""The connection pool and the tenant binding (opspact.db.engine, opspact.db.tenant): no
connection the server has closed is handed out (the zero-cost checkout check that replaced
SQLAlchemy's pre-ping, three round trips a unit of work on asyncpg), and a unit of work
binds its tenant inside the BEGIN's round trip without ever carrying it further."""

from __future__ import annotations

import asyncio

from opspact.db import Database, bind_tenant
from opspact.testing.probes import aquery
from sqlalchemy import text

SETTING = text("SELECT current_setting('app.tenant_id', true)")


async def _backend_pid(db: Database) -> int:
    async with db.unit_of_work() as session:
        return (await session.execute(text("SELECT pg_backend_pid()"))).scalar_one()


def test_a_connection_the_server_closed_is_replaced_at_checkout(stack):
    async def scenario() -> tuple[int, int, int]:
        db = Database(stack.database_url, pool_size=1)
        try:
            first = await _backend_pid(db)
            assert await _backend_pid(db) == first  # the pool reuses its one connection
            await aquery(stack, "SELECT pg_terminate_backend($1)", first)
            await asyncio.sleep(0.3)  # the server's goodbye reaches the idle connection
            second = await _backend_pid(db)
            third = await _backend_pid(db)
            return first, second, third
        finally:
            await db.dispose()

    first, second, third = asyncio.run(scenario())
    assert second != first  # a fresh connection, and the unit of work did not fail
    assert third == second  # which the pool keeps


def test_a_unit_of_work_is_begin_with_its_tenant_its_statements_and_commit(stack):
    """No ping before the transaction (SQLAlchemy's pre-ping sent BEGIN, `;`, ROLLBACK) and
    no statement of its own for the tenant. (asyncpg's query logger shows the simple
    queries; the prepared statement in between is not among them.)"""
    async def scenario() -> tuple[list[str], str]:
        db = Database(stack.database_url, pool_size=1)
        sent: list[str] = []
        try:
            async with db.engine.connect() as conn:  # open the pool's one connection
                raw = await conn.get_raw_connection()
                raw.driver_connection.add_query_logger(lambda record: sent.append(record.query))
            async with db.unit_of_work("xinjiang") as session:
                seen = (await session.execute(SETTING)).scalar_one()
            return sent, seen
        finally:
            await db.dispose()

    sent, seen = asyncio.run(scenario())
    assert seen == "xinjiang"
    assert sent == ["BEGIN; SELECT set_config('app.tenant_id', 'xinjiang', true);", "COMMIT;"], sent


def test_a_binding_no_statement_used_does_not_reach_the_next_unit_of_work(stack):
    async def scenario() -> tuple[str | None, str | None, str]:
        db = Database(stack.database_url, pool_size=1)
        try:
            async with db.unit_of_work("zhuhai"):
                pass  # bound, but nothing sent: the binding waits on the connection
            async with db.unit_of_work() as session:  # the same connection, no tenant
                unbound = (await session.execute(SETTING)).scalar_one()
            async with db.unit_of_work("zhuhai") as session:
                await session.execute(text("SELECT 1"))
            async with db.unit_of_work() as session:  # SET LOCAL ended with its transaction
                after = (await session.execute(SETTING)).scalar_one()
            async with db.unit_of_work("zhuhai") as session:  # notify's sender rebinds midway
                await session.execute(text("SELECT 1"))
                await bind_tenant(session, "wuqia")
                rebound = (await session.execute(SETTING)).scalar_one()
            return unbound, after, rebound
        finally:
            await db.dispose()

    unbound, after, rebound = asyncio.run(scenario())
    assert unbound in (None, "") and after in (None, "")
    assert rebound == "wuqia"
