"""Work log rules: entries name systems in scope and tickets of the tenant; the
list answers with the time spent per category, which the reports add up."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from opspact.errors import Unprocessable
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from ticketing.changes.models import Change
from ticketing.effort import watch as effort_watch
from ticketing.tickets.models import Ticket
from ticketing.tickets.service import systems_of
from ticketing.worklog.models import WorklogEntry
from ticketing.worklog.schemas import EntryIn

FUTURE_SKEW = timedelta(minutes=5)


async def add(session: AsyncSession, tenant_id: str, body: EntryIn, actor: str) -> WorklogEntry:
    if body.occurred_at > datetime.now(UTC) + FUTURE_SKEW:
        raise Unprocessable("occurred_at is in the future",
                            errors=[{"field": "body.occurred_at", "message": "in the future"}])
    if body.system is not None and body.system not in await systems_of(session, tenant_id):
        raise Unprocessable(f"unknown system {body.system!r} for tenant {tenant_id}",
                            errors=[{"field": "body.system", "message": "unknown system"}])
    if body.ticket_id is not None and (await session.execute(select(Ticket.id).where(
            Ticket.tenant_id == tenant_id, Ticket.id == body.ticket_id))).first() is None:
        raise Unprocessable(f"ticket {body.ticket_id} not found",
                            errors=[{"field": "body.ticket_id", "message": "not found"}])
    change = None
    if body.change_id is not None:
        change = (await session.execute(select(Change).where(
            Change.tenant_id == tenant_id, Change.id == body.change_id))).scalar_one_or_none()
        if change is None:
            raise Unprocessable(f"change {body.change_id} not found",
                                errors=[{"field": "body.change_id", "message": "not found"}])
    entry = WorklogEntry(
        tenant_id=tenant_id, category=body.category.value, occurred_at=body.occurred_at,
        system_code=body.system, initiator=body.initiator, handler=body.handler,
        handling=body.handling, feedback=body.feedback, minutes_spent=body.minutes_spent,
        ticket_id=body.ticket_id, change_id=body.change_id, created_by=actor)
    if change is not None:
        await effort_watch.booked(session, tenant_id, change, entry)
    else:
        session.add(entry)
    await session.flush()
    await session.refresh(entry)
    return entry


def _conditions(tenant_id: str, filters: dict) -> list:
    conditions = [WorklogEntry.tenant_id == tenant_id]
    if filters.get("start"):
        conditions.append(WorklogEntry.occurred_at >= filters["start"])
    if filters.get("end"):
        conditions.append(WorklogEntry.occurred_at < filters["end"])
    for name, column in (("category", WorklogEntry.category), ("handler", WorklogEntry.handler),
                         ("system", WorklogEntry.system_code)):
        if filters.get(name) is not None:
            conditions.append(column == filters[name])
    return conditions


async def page(session: AsyncSession, tenant_id: str, filters: dict, limit: int, offset: int
               ) -> tuple[list[WorklogEntry], int, dict[str, int]]:
    conditions = _conditions(tenant_id, filters)
    sums = await session.execute(select(WorklogEntry.category, func.count(),
                                        func.sum(WorklogEntry.minutes_spent))
                                 .where(*conditions).group_by(WorklogEntry.category))
    minutes, total = {}, 0
    for category, count, spent in sums:
        minutes[category] = int(spent or 0)
        total += count
    rows = await session.execute(select(WorklogEntry).where(*conditions)
                                 .order_by(WorklogEntry.occurred_at.desc(), WorklogEntry.id.desc())
                                 .limit(limit).offset(offset))
    return list(rows.scalars()), total, minutes
