"""The connection pool hands out no connection the server has closed (opspact.db.engine):
the zero-cost checkout check that replaced SQLAlchemy's pre-ping (three round trips a unit
of work on asyncpg)."""

from __future__ import annotations

import asyncio

from opspact.db import Database
from opspact.testing.probes import aquery
from sqlalchemy import text


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


def test_a_unit_of_work_sends_only_its_own_statements(stack):
    """No ping before the transaction (SQLAlchemy's pre-ping sent BEGIN, `;`, ROLLBACK)."""
    async def scenario() -> list[str]:
        db = Database(stack.database_url, pool_size=1)
        sent: list[str] = []
        try:
            async with db.engine.connect() as conn:  # open the pool's one connection
                raw = await conn.get_raw_connection()
                raw.driver_connection.add_query_logger(lambda record: sent.append(record.query))
            async with db.unit_of_work("xinjiang") as session:
                await session.execute(text("SELECT 1"))
            return sent
        finally:
            await db.dispose()

    sent = asyncio.run(scenario())
    assert [q for q in sent if "set_config" not in q and "SELECT 1" not in q] \
        == ["BEGIN;", "COMMIT;"], sent
