"""Periodic work done by exactly one replica: the leader loop.

One leader per database and job, chosen by a PostgreSQL advisory lock held on a
dedicated connection. The other replicas wait as hot standbys and take over within
one poll when the leader's connection drops. A tick that fails (database gone) is
retried by `keep_running` after a pause. Subclasses write `tick()`; they must still
make each tick safe to run twice at once (a split brain after a network cut), e.g.
by marking rows FOR UPDATE SKIP LOCKED in the transaction that stages their event.
"""

from __future__ import annotations

import asyncio
import zlib
from collections.abc import Callable

import asyncpg
from sqlalchemy import Table, select, text

from opspact import metrics
from opspact.db import Database
from opspact.db.engine import asyncpg_connect_args
from opspact.supervise import keep_running


class LeaderLoop:
    def __init__(self, db: Database, tick_seconds: float, lock_name: str) -> None:
        self.db = db
        self.tick_seconds = tick_seconds
        self.name = lock_name
        self.lock_key = zlib.crc32(lock_name.encode())
        self.leader = False
        self.ticks = 0
        self.last_error: str | None = None
        self._stopping = asyncio.Event()

    async def tick(self) -> object:
        raise NotImplementedError

    def stop(self) -> None:
        self._stopping.set()

    async def run(self) -> None:
        await keep_running(self.name, self._lead, self._stopping, self._failed, self._sleep)

    def _failed(self, error: str) -> None:
        self.last_error = error

    async def _sleep(self, seconds: float) -> None:
        try:
            await asyncio.wait_for(self._stopping.wait(), timeout=seconds)
        except TimeoutError:
            pass

    async def _lead(self) -> None:
        lock = await asyncpg.connect(**asyncpg_connect_args(self.db.url))
        try:
            while not self._stopping.is_set():
                if await lock.fetchval("SELECT pg_try_advisory_lock($1)", self.lock_key):
                    break
                await self._sleep(max(self.tick_seconds, 1.0))
            self.leader = not self._stopping.is_set()
            metrics.LEADER.labels(self.name).set(1 if self.leader else 0)
            while not self._stopping.is_set():
                await self.tick()
                self.ticks += 1
                self.last_error = None
                metrics.LEADER_HEARTBEAT.labels(self.name).set_to_current_time()
                # The lock lives as long as this connection: check it is still there.
                await lock.fetchval("SELECT 1")
                await self._sleep(self.tick_seconds)
        finally:
            self.leader = False
            metrics.LEADER.labels(self.name).set(0)
            await lock.close()


def app_worker(make: Callable[[Database], LeaderLoop], state_name: str):
    """The loop as an in-process worker of a service's API app (cancelled at shutdown);
    kept on `app.state.<state_name>` for tests and /readyz."""
    async def start(app) -> None:
        loop = make(app.state.db)
        setattr(app.state, state_name, loop)
        await loop.run()
    return start


def standalone_worker(make: Callable[[Database], LeaderLoop]):
    """The loop beside the relay in `python -m <service>.workers` (see run_workers)."""
    async def run(db: Database, stopping: asyncio.Event) -> None:
        loop = make(db)
        waiter = asyncio.create_task(stopping.wait())
        runner = asyncio.create_task(loop.run())
        await asyncio.wait([waiter, runner], return_when=asyncio.FIRST_COMPLETED)
        loop.stop()
        await runner
    return run


async def tenant_ids(db: Database, acting_role: str, tenants: Table) -> list[str]:
    """Every tenant's id, read as a NOLOGIN role that may see those and nothing else
    (the watches: they then look at each tenant under its ordinary policies)."""
    async with db.unit_of_work() as session:
        await session.execute(text(f"SET LOCAL ROLE {acting_role}"))
        rows = await session.execute(select(tenants.c.tenant_id).order_by(tenants.c.tenant_id))
        return list(rows.scalars())
