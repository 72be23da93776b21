"""Read-only probes the cross-service tests use to assert every hop."""

from __future__ import annotations

import asyncio

import asyncpg
import httpx

from opspact.db import asyncpg_connect_args


def fault(fault_id: str, **extra) -> dict:
    """A 12123 fault report for xinjiang's 12123 fee system."""
    return {"fault_id": fault_id, "system": "12123-fees", "title": "缴费失败",
            "description": "用户反映缴费后未到账", **extra}


def sink_messages(stack, phone: str = "13800000001") -> list[dict]:
    return httpx.get(f"{stack.url('sms-sink')}/messages", params={"phone": phone}).json()["items"]


async def _fetch(url: str, sql: str, *args):
    conn = await asyncpg.connect(**asyncpg_connect_args(url))
    try:
        return await conn.fetch(sql, *args)
    finally:
        await conn.close()


async def aquery(stack, sql: str, *args):
    """`query` for async tests (a running event loop)."""
    return await _fetch(stack.database_url, sql, *args)


def query(stack, sql: str, *args):
    """Run SQL as the owner (RLS bypassed on purpose: the test sees every tenant)."""
    return asyncio.run(_fetch(stack.database_url, sql, *args))


def leader_ticks(url: str, make, watches: int, rounds: int) -> list:
    """`rounds` ticks of `watches` leader loops at once (`make(db)` builds one), each on its
    own pool, as in a split brain after a network cut: the tick results, in order."""
    from opspact.db import Database

    async def run() -> list:
        dbs = [Database(url, 2) for _ in range(watches)]
        try:
            results = []
            for _ in range(rounds):
                results += await asyncio.gather(*(make(db).tick() for db in dbs))
            return results
        finally:
            for db in dbs:
                await db.dispose()
    return asyncio.run(run())


def forget_recorded_term(stack, tenant: str, service: str = "ticketing") -> None:
    """A tenant whose term starts at an event (wuqia: acceptance) back to "not yet": tests
    of the dateless term run after others (and the fuzzer) may have recorded it."""
    query(stack, f"UPDATE {service}.tenants SET recorded_term = NULL WHERE tenant_id = $1", tenant)
