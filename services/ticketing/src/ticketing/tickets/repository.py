"""All ticket SQL. Every query filters on tenant_id; RLS enforces it again."""

from datetime import datetime
from uuid import UUID

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from ticketing.tickets.models import Ticket, TimelineEntry


async def add(session: AsyncSession, ticket: Ticket, actor: str, note: str) -> Ticket:
    async with session.begin_nested():  # a unique clash rolls back only this savepoint
        session.add(ticket)
        await session.flush()
    record(session, ticket, actor, "created", note, to_status=ticket.status)
    await session.flush()
    return ticket  # its server defaults came back with the INSERT (eager_defaults)


async def get(session: AsyncSession, tenant_id: str, ticket_id: UUID) -> Ticket | None:
    return (await session.execute(select(Ticket).where(
        Ticket.tenant_id == tenant_id, Ticket.id == ticket_id))).scalar_one_or_none()


async def get_for_update(session: AsyncSession, tenant_id: str, ticket_id: UUID) -> Ticket | None:
    """The ticket, locked until commit: changes to one ticket happen one at a time."""
    return (await session.execute(select(Ticket).where(
        Ticket.tenant_id == tenant_id, Ticket.id == ticket_id).with_for_update()
    )).scalar_one_or_none()


def record(session: AsyncSession, ticket: Ticket, actor: str, action: str, note: str = "",
           from_status: str | None = None, to_status: str | None = None,
           at: datetime | None = None) -> None:
    """A timeline entry; `at` only for history (imports), otherwise the database's now."""
    entry = TimelineEntry(tenant_id=ticket.tenant_id, ticket_id=ticket.id, actor=actor,
                          action=action, note=note, from_status=from_status, to_status=to_status)
    if at is not None:
        entry.at = at
    session.add(entry)


async def by_external_id(session: AsyncSession, tenant_id: str, source: str,
                         external_id: str) -> Ticket | None:
    return (await session.execute(select(Ticket).where(
        Ticket.tenant_id == tenant_id, Ticket.source == source,
        Ticket.external_id == external_id))).scalar_one_or_none()


async def open_by_fingerprint(session: AsyncSession, tenant_id: str, source: str,
                              fingerprint: str) -> Ticket | None:
    return (await session.execute(select(Ticket).where(
        Ticket.tenant_id == tenant_id, Ticket.source == source,
        Ticket.fingerprint == fingerprint, Ticket.status.not_in(("resolved", "closed"))
    ))).scalar_one_or_none()


async def count_again(session: AsyncSession, ticket: Ticket) -> Ticket:
    """One more report of the same fault. A single UPDATE, so a storm of concurrent
    reports loses no count (a read-modify-write in Python would)."""
    await session.execute(update(Ticket).where(Ticket.id == ticket.id).values(
        occurrences=Ticket.occurrences + 1, last_seen_at=func.now(), updated_at=func.now()))
    await session.refresh(ticket)
    return ticket


async def by_idempotency_key(session: AsyncSession, tenant_id: str, key: str) -> Ticket | None:
    return (await session.execute(select(Ticket).where(
        Ticket.tenant_id == tenant_id, Ticket.idempotency_key == key))).scalar_one_or_none()


async def timeline(session: AsyncSession, tenant_id: str, ticket_id: UUID) -> list[TimelineEntry]:
    return list((await session.execute(select(TimelineEntry).where(
        TimelineEntry.tenant_id == tenant_id, TimelineEntry.ticket_id == ticket_id
    ).order_by(TimelineEntry.at, TimelineEntry.id))).scalars())


async def page(session: AsyncSession, selection, limit: int, offset: int) -> tuple[list, int, bool]:
    """A page of the tickets a `search.filters.Selection` picks, how many it picks (exact up
    to its count limit), and whether there are more than that. The tickets are read-only
    rows with the entity's attribute names (building and tracking entities was a third of a
    page's database work, issue 27)."""
    total, capped = await selection.settle(session)
    rows = await session.execute(selection.select(Ticket.__table__).order_by(*selection.order())
                                 .limit(limit).offset(offset))
    return rows.all(), total, capped
