"""Starting a ticket's SLA clocks, applying its changes to them, reading them back.

Deadlines are computed when a clock starts or changes, and stored: the scheduler
then only reads the head of an index. Whatever the engine reports — a clock
breached at a transition, a deadline in a year without calendar data — goes out
through the outbox in the same transaction."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from opspact import outbox
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from ticketing.sla import events
from ticketing.sla.engine import ClockEngine, Outcome
from ticketing.sla.models import SlaClock
from ticketing.tables import shared
from ticketing.tenant_settings import TicketingTenantSettings
from ticketing.tickets.models import Ticket


def policy_of(ticket: Ticket, settings: TicketingTenantSettings):
    core = any(s.code == ticket.system_code and s.core for s in settings.systems)
    return settings.sla.policy_for(ticket.kind, ticket.priority, ticket.system_code, core)


async def start_clocks(session: AsyncSession, ticket: Ticket,
                       settings: TicketingTenantSettings) -> list[SlaClock]:
    policy = policy_of(ticket, settings)
    if policy is None:
        return []
    engine = ClockEngine(settings, ticket.created_at)
    clocks = engine.start(ticket, policy)
    session.add_all(clocks)
    await session.flush()
    await announce(session, ticket, engine.outcome)
    return clocks


async def on_status(session: AsyncSession, ticket: Ticket, settings: TicketingTenantSettings,
                    old: str, new: str) -> None:
    clocks = await locked_clocks(session, ticket)
    engine = ClockEngine(settings, await db_now(session))
    await announce(session, ticket, engine.on_status(clocks, old, new))


async def on_milestone(session: AsyncSession, ticket: Ticket, settings: TicketingTenantSettings,
                       milestone: str) -> None:
    clocks = await locked_clocks(session, ticket)
    engine = ClockEngine(settings, await db_now(session))
    await announce(session, ticket, engine.on_milestone(clocks, milestone))


async def on_policy(session: AsyncSession, ticket: Ticket, settings: TicketingTenantSettings,
                    reached: Callable[[str], datetime | None]) -> None:
    clocks = await locked_clocks(session, ticket)
    engine = ClockEngine(settings, await db_now(session))
    session.add_all(engine.on_policy(ticket, clocks, policy_of(ticket, settings), reached))
    await session.flush()
    await announce(session, ticket, engine.outcome)


async def locked_clocks(session: AsyncSession, ticket: Ticket) -> list[SlaClock]:
    # FOR UPDATE: the scheduler marks breaches on the same rows; one of us waits.
    return list((await session.execute(select(SlaClock).where(
        SlaClock.tenant_id == ticket.tenant_id, SlaClock.ticket_id == ticket.id
    ).order_by(SlaClock.id).with_for_update())).scalars())


async def db_now(session: AsyncSession) -> datetime:
    """The transaction's timestamp: the same instant the rows' defaults record."""
    return (await session.execute(select(func.now()))).scalar_one()


async def announce(session: AsyncSession, ticket: Ticket, outcome: Outcome) -> None:
    await session.flush()
    for clock in outcome.breached:
        await outbox.add(session, shared.outbox, events.breached(ticket, clock))
    for clock in outcome.stopped_late:
        await outbox.add(session, shared.outbox, events.stopped_late(ticket, clock))
    for clock, message in outcome.missing:
        await outbox.add(session, shared.outbox, events.calendar_missing(ticket, clock, message))


async def clocks_of(session: AsyncSession, tenant_id: str, ticket_ids: list) -> dict:
    rows = (await session.execute(select(SlaClock).where(
        SlaClock.tenant_id == tenant_id, SlaClock.ticket_id.in_(ticket_ids)
    ).order_by(SlaClock.id))).scalars()
    grouped: dict = {}
    for row in rows:
        grouped.setdefault(row.ticket_id, []).append(row)
    return grouped


def remaining_seconds(clock: SlaClock, now: datetime) -> int | None:
    """Seconds left (negative when overdue) for a running clock; None otherwise."""
    if clock.state != "running" or clock.due_at is None:
        return None
    return int((clock.due_at - now).total_seconds())
