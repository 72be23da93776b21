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

from ticketing.roster.handlers import on_site_at
from ticketing.sla import events
from ticketing.sla.engine import ClockEngine, Outcome
from ticketing.sla.models import SlaClock
from ticketing.tables import shared
from ticketing.tenant_settings import TicketingTenantSettings
from ticketing.tickets import repository
from ticketing.tickets.models import Ticket


def policy_of(ticket: Ticket, settings: TicketingTenantSettings):
    core = any(s.code == ticket.system_code and s.core for s in settings.systems)
    return settings.sla.policy_for(ticket.kind, ticket.priority, ticket.system_code, core)


async def not_started(session: AsyncSession, ticket: Ticket, policy) -> tuple[frozenset[str], list]:
    """The clocks whose condition failed when the fault came in — `unless_on_site` ones when
    someone was rostered on site (xinjiang: "如遇其他时段无现场值班人员…2小时内赶到现场") — and
    the shifts that made it so."""
    conditional = {r.clock for r in policy.base_rules() if r.unless_on_site}
    if not conditional:
        return frozenset(), []
    shifts = await on_site_at(session, ticket.tenant_id, ticket.created_at)
    return (frozenset(conditional) if shifts else frozenset()), shifts


async def start_clocks(session: AsyncSession, ticket: Ticket,
                       settings: TicketingTenantSettings) -> list[SlaClock]:
    policy = policy_of(ticket, settings)
    if policy is None:
        return []
    engine = ClockEngine(settings, ticket.created_at)
    skipped, shifts = await not_started(session, ticket, policy)
    if skipped:
        present = "、".join(f"{s.post}:{s.staff}" for s in shifts)
        repository.record(session, ticket, "opspact", "clock_not_started",
                          f"报修时现场有值班人员（{present}）：{'、'.join(sorted(skipped))} 时限不适用")
    clocks = engine.start(ticket, policy, skipped)
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
    policy = policy_of(ticket, settings)
    skipped = (await not_started(session, ticket, policy))[0] if policy else frozenset()
    session.add_all(engine.on_policy(ticket, clocks, policy, reached, skipped))
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


# What a ticket's answer shows of its clocks. Plain rows, not ORM objects: a list page
# shows a hundred clocks, and building, tracking and reading them as entities (and
# decoding each one's pause history) was a fifth of the page's CPU (issue 27).
_SHOWN = (SlaClock.ticket_id, SlaClock.clock, SlaClock.policy, SlaClock.target, SlaClock.clause,
          SlaClock.schedule, SlaClock.state, SlaClock.started_at, SlaClock.due_at, SlaClock.warn_at,
          SlaClock.paused_total, SlaClock.paused_since, SlaClock.missing_year, SlaClock.stopped_at,
          SlaClock.breached_at)


async def clocks_of(session: AsyncSession, tenant_id: str, ticket_ids: list) -> dict:
    """ticket id → its clocks as read-only rows (the attributes `clock_out` reads)."""
    rows = await session.execute(select(*_SHOWN).where(
        SlaClock.tenant_id == tenant_id, SlaClock.ticket_id.in_(ticket_ids)
    ).order_by(SlaClock.id))
    grouped: dict = {}
    for row in rows:
        grouped.setdefault(row.ticket_id, []).append(row)
    return grouped


def remaining_seconds(clock: SlaClock, now: datetime) -> int | None:
    """Seconds left (negative when overdue) for a running clock; None otherwise."""
    if clock.state != "running" or clock.due_at is None:
        return None
    return int((clock.due_at - now).total_seconds())
