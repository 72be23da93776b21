"""The SLA scheduler: announces warnings and breaches as their instants pass.

One replica leads (`opspact.leader.LeaderLoop`: an advisory lock). Each tick reads
only the heads of two partial indexes — running clocks not yet warned / not yet
breached, by instant — so its cost does not grow with the number of open tickets.
Marking a clock and staging its event happen in one transaction, and the rows are
taken FOR UPDATE SKIP LOCKED with the mark re-checked: even two leaders (a split
brain after a network cut) cannot announce the same warning or breach twice.

It reads every tenant's clocks, so its transactions run as the NOLOGIN role
`opspact_ticketing_sla` (migration 0003): allowed to see clocks and tickets of all
tenants, and to change nothing but the warned/breached marks.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

from opspact import metrics, outbox
from opspact.db import Database
from opspact.db.bootstrap import app_role
from opspact.leader import LeaderLoop, app_worker
from sqlalchemy import func, select, text

from ticketing.sla import events
from ticketing.sla.models import SlaClock
from ticketing.tables import shared
from ticketing.tickets.models import Ticket

SLA_ROLE = app_role("ticketing") + "_sla"
BATCH = 500
GAUGE_SECONDS = 30.0  # the running-clocks gauge is refreshed this often (a grouped count)


class SlaScheduler(LeaderLoop):
    def __init__(self, db: Database, tick_seconds: float = 0.25) -> None:
        super().__init__(db, tick_seconds, "sla-scheduler:ticketing")
        self.warned = 0
        self.breached = 0
        self.counted_at = 0.0
        self._gauged: set[str] = set()

    async def tick(self) -> tuple[int, int]:
        """Announce every warning and breach whose instant has passed; (warned, breached)."""
        warned = breached = 0
        while True:
            w, b = await self._batch()
            warned, breached = warned + w, breached + b
            if w < BATCH and b < BATCH:
                break
        self.warned += warned
        self.breached += breached
        if time.monotonic() - self.counted_at >= GAUGE_SECONDS:
            await self._count_running()
            self.counted_at = time.monotonic()
        return warned, breached

    async def _count_running(self) -> None:
        """Running clocks per tenant, on time and overdue, for `opspact_sla_clocks`."""
        async with self.db.unit_of_work() as session:
            await session.execute(text(f"SET LOCAL ROLE {SLA_ROLE}"))
            late = SlaClock.breached_at.is_not(None)
            rows = await session.execute(
                select(SlaClock.tenant_id, late, func.count())
                .where(SlaClock.state == "running").group_by(SlaClock.tenant_id, late))
            counted = {(tenant, "overdue" if late else "running"): n for tenant, late, n in rows}
        for tenant in {t for t, _ in counted} | self._gauged:
            for state in ("running", "overdue"):
                metrics.SLA_CLOCKS.labels(tenant, state).set(counted.get((tenant, state), 0))
        self._gauged = {t for t, _ in counted} | self._gauged

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
    return app_worker(lambda db: SlaScheduler(db, settings.sla_tick_seconds), "sla_scheduler")
