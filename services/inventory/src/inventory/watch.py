"""The inventory watch: what has to be announced because time passed, not because
someone asked — credentials whose rotation fell due
(`inventory.credential.rotation_overdue.v1`, once per due date) and uncovered
post-hours in the coming days (`inventory.roster.gap.v1`, once per post and gap), and
a required training not held in a month about to end (`inventory.training.missing.v1`, once
per kind and month), and a shift not checked into 15 minutes after it began
(`inventory.attendance.missed.v1`, once per shift).

One replica leads (`opspact.leader`). It lists the tenants as the NOLOGIN role
`opspact_inventory_watch` (migration 0004: it may read tenant ids and nothing else)
and does everything else in a unit of work bound to one tenant, under the ordinary
tenant policies. Marks and events are written in one transaction, rows taken
FOR UPDATE SKIP LOCKED / notices inserted ON CONFLICT DO NOTHING, so two leaders at
once still announce each thing once.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, time, timedelta

from opspact import outbox
from opspact.calendar import SHANGHAI
from opspact.db import Database
from opspact.db.bootstrap import app_role
from opspact.leader import LeaderLoop, app_worker, standalone_worker, tenant_ids
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from inventory.attendance import service as attendance
from inventory.credentials import service as credentials
from inventory.credentials.models import Credential, RosterGapNotice
from inventory.notices import first_time
from inventory.people import service as people
from inventory.tables import shared
from inventory.trainings import service as trainings

log = logging.getLogger(__name__)
WATCH_ROLE = app_role("inventory") + "_watch"
BATCH = 500
NOTICES_KEPT = timedelta(days=30)


class InventoryWatch(LeaderLoop):
    def __init__(self, db: Database, tick_seconds: float = 60.0, gap_horizon_days: int = 7) -> None:
        super().__init__(db, tick_seconds, "watch:inventory")
        self.gap_horizon_days = gap_horizon_days
        self.overdue_announced = 0
        self.gaps_announced = 0
        self.trainings_announced = 0
        self.missed_check_ins = 0

    async def tick(self) -> tuple[int, int]:
        """One look at every tenant; (overdue credentials, roster gaps) announced."""
        overdue = gaps = 0
        for tenant in await self._tenants():
            # One tenant's broken state must not silence the others.
            try:
                async with self.db.unit_of_work(tenant) as session:
                    overdue += await announce_overdue(session, tenant)
                    gaps += await announce_gaps(session, tenant, self.gap_horizon_days)
                    self.trainings_announced += await trainings.announce_missing(
                        session, tenant, datetime.now(UTC).astimezone(SHANGHAI).date())
                    self.missed_check_ins += await attendance.announce_missed(
                        session, tenant, datetime.now(UTC))
            except Exception as exc:
                self.last_error = f"{tenant}: {type(exc).__name__}: {exc}"
                log.warning("inventory watch, tenant %s: %s", tenant, exc)
        self.overdue_announced += overdue
        self.gaps_announced += gaps
        return overdue, gaps

    async def _tenants(self) -> list[str]:
        return await tenant_ids(self.db, WATCH_ROLE, shared.tenants)


async def announce_overdue(session: AsyncSession, tenant_id: str) -> int:
    now = datetime.now(UTC)
    rows = list((await session.execute(
        # Exactly the predicate of the partial index credentials_overdue_head.
        select(Credential).where(
            Credential.tenant_id == tenant_id, Credential.status == "active",
            Credential.overdue_announced_for.is_distinct_from(Credential.rotation_due_at),
            Credential.rotation_due_at <= func.now())
        .order_by(Credential.rotation_due_at).limit(BATCH)
        .with_for_update(skip_locked=True))).scalars())
    for credential in rows:
        credential.overdue_announced_for = credential.rotation_due_at
        current = credentials.out(credential, now)
        await outbox.add(session, shared.outbox, credentials.event(credential, "rotation_overdue", {
            "last_rotated_at": credential.last_rotated_at and credential.last_rotated_at.isoformat(),
            "rotation_interval_days": credential.rotation_interval_days,
            "days_overdue": current.days_overdue}))
    await session.flush()
    return len(rows)


def split_at_midnight(start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    """Cut at each Shanghai midnight, so a gap has the same bounds on every look even
    while the horizon moves along (a 7x24 gap would otherwise grow by a day each day)."""
    parts = []
    while start < end:
        midnight = datetime.combine(start.astimezone(SHANGHAI).date() + timedelta(days=1), time(),
                                    SHANGHAI)
        parts.append((start, min(end, midnight)))
        start = min(end, midnight)
    return parts


async def announce_gaps(session: AsyncSession, tenant_id: str, horizon_days: int) -> int:
    now = datetime.now(UTC)
    today = datetime.combine(now.astimezone(SHANGHAI).date(), time(), SHANGHAI)
    gaps = await people.roster_gaps(session, tenant_id, today, today + timedelta(days=horizon_days))
    announced = 0
    for gap in gaps:
        for starts_at, ends_at in split_at_midnight(gap.starts_at, gap.ends_at):
            if ends_at <= now:
                continue  # already over: the coverage report shows it, nobody can act on it
            if not await first_time(session, RosterGapNotice, tenant_id=tenant_id, post=gap.post,
                                    starts_at=starts_at, ends_at=ends_at):
                continue
            announced += 1
            await outbox.add(session, shared.outbox, people.gap_event(
                tenant_id, gap.post, starts_at, ends_at, gap.required, gap.covered))
    await session.execute(delete(RosterGapNotice).where(
        RosterGapNotice.tenant_id == tenant_id, RosterGapNotice.ends_at < now - NOTICES_KEPT))
    return announced


def _make(settings):
    return lambda db: InventoryWatch(db, settings.watch_tick_seconds, settings.roster_gap_horizon_days)


def watch_worker(settings):
    return app_worker(_make(settings), "inventory_watch")


def standalone_watch(settings):
    return standalone_worker(_make(settings))
