"""The SLA scheduler: announces warnings and breaches as their instants pass.

One leader per database, chosen by a PostgreSQL advisory lock held on a dedicated
connection (the other replicas wait as hot standbys and take over within one poll
when the leader's connection drops). Each tick reads only the heads of two partial
indexes — running clocks not yet warned / not yet breached, by instant — so its
cost does not grow with the number of open tickets. Marking a clock and staging
its event happen in one transaction, and the rows are taken FOR UPDATE SKIP LOCKED
with the mark re-checked: even two leaders (a split brain after a network cut)
cannot announce the same warning or breach twice.

It reads every tenant's clocks, so its transactions run as the NOLOGIN role
`opspact_ticketing_sla` (migration 0003): allowed to see clocks and tickets of all
tenants, and to change nothing but the warned/breached marks.
"""

from __future__ import annotations

import asyncio
import zlib
from datetime import UTC, datetime

import asyncpg
from opspact import outbox
from opspact.db import Database
from opspact.db.bootstrap import app_role
from opspact.db.engine import asyncpg_connect_args
from opspact.supervise import keep_running
from sqlalchemy import func, select, text

from ticketing.sla import events
from ticketing.sla.models import SlaClock
from ticketing.tables import shared
from ticketing.tickets.models import Ticket

SLA_ROLE = app_role("ticketing") + "_sla"
BATCH = 500


class SlaScheduler:
    def __init__(self, db: Database, tick_seconds: float = 0.25) -> None:
        self.db = db
        self.tick_seconds = tick_seconds
        self.lock_key = zlib.crc32(b"sla-scheduler:ticketing")
        self.leader = False
        self.ticks = 0
        self.warned = 0
        self.breached = 0
        self.last_error: str | None = None
        self._stopping = asyncio.Event()

    def stop(self) -> None:
        self._stopping.set()

    async def run(self) -> None:
        await keep_running("sla scheduler", self._lead, self._stopping, self._failed, self._sleep)

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
            while not self._stopping.is_set():
                await self.tick()
                self.last_error = None
                # The lock lives as long as this connection: check it is still there.
                await lock.fetchval("SELECT 1")
                await self._sleep(self.tick_seconds)
        finally:
            self.leader = False
            await lock.close()

    async def tick(self) -> tuple[int, int]:
        """Announce every warning and breach whose instant has passed; (warned, breached)."""
        warned = breached = 0
        while True:
            w, b = await self._batch()
            warned, breached = warned + w, breached + b
            if w < BATCH and b < BATCH:
                break
        self.ticks += 1
        self.warned += warned
        self.breached += breached
        return warned, breached

    async def _batch(self) -> tuple[int, int]:
        async with self.db.unit_of_work() as session:
            await session.execute(text(f"SET LOCAL ROLE {SLA_ROLE}"))
            warn_rows = await self._take(session, SlaClock.warn_at, SlaClock.warned_at)
            for clock, ticket in warn_rows:
                clock.warned_at = datetime.now(UTC)
                await outbox.add(session, shared.outbox, events.warning(ticket, clock))
            due_rows = await self._take(session, SlaClock.due_at, SlaClock.breached_at)
            for clock, ticket in due_rows:
                clock.breached_at = clock.due_at
                await outbox.add(session, shared.outbox, events.breached(ticket, clock))
            await session.flush()
        return len(warn_rows), len(due_rows)

    @staticmethod
    async def _take(session, instant, mark) -> list[tuple[SlaClock, Ticket]]:
        # Exactly the predicate of the partial index (ticket_sla_clocks_due / _warn).
        rows = await session.execute(
            select(SlaClock, Ticket).join(Ticket, Ticket.id == SlaClock.ticket_id)
            .where(SlaClock.state == "running", mark.is_(None), instant <= func.now())
            .order_by(instant).limit(BATCH)
            .with_for_update(of=SlaClock, skip_locked=True))
        return [(clock, ticket) for clock, ticket in rows]


def scheduler_worker(settings):
    """The scheduler as an in-process worker of the API app (cancelled at shutdown)."""
    async def start(app) -> None:
        scheduler = SlaScheduler(app.state.db, settings.sla_tick_seconds)
        app.state.sla_scheduler = scheduler
        await scheduler.run()
    return start
