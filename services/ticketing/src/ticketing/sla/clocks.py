"""Starting a ticket's SLA clocks from its tenant's policy, and reading them back.

Deadlines are computed once, when a clock starts or changes, and stored: the
scheduler then only reads the head of an index. A clock whose deadline falls in a
year without calendar data is stored as `calendar_missing` and announced by an
event — never guessed."""

from __future__ import annotations

from datetime import datetime

from opspact import outbox
from opspact.calendar import CalendarMissing, WorkdayCalendar, due, parse_target, schedule_for
from opspact.events import new_event
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ticketing.sla.models import SlaClock
from ticketing.tables import shared
from ticketing.tenant_settings import TicketingTenantSettings
from ticketing.tickets.models import Ticket


async def start_clocks(session: AsyncSession, ticket: Ticket,
                       settings: TicketingTenantSettings) -> list[SlaClock]:
    core = any(s.code == ticket.system_code and s.core for s in settings.systems)
    policy = settings.sla.policy_for(ticket.kind, ticket.priority, ticket.system_code, core)
    if policy is None:
        return []
    calendar = WorkdayCalendar(settings.calendar)
    started = ticket.created_at
    clocks = []
    for rule in policy.base_rules():
        target = parse_target(rule.target)
        default = rule.schedule or policy.schedule
        clock = SlaClock(tenant_id=ticket.tenant_id, ticket_id=ticket.id, clock=rule.clock,
                         policy=policy.name, target=str(target), clause=rule.clause,
                         schedule=schedule_for(target, default).value,
                         stops_at=rule.stops_at.value, state="running", started_at=started)
        try:
            clock.due_at = due(started, target, calendar, default)
        except CalendarMissing as missing:
            clock.state, clock.missing_year = "calendar_missing", missing.year
            await outbox.add(session, shared.outbox, calendar_missing(ticket, clock, str(missing)))
        else:
            clock.warn_at = started + (clock.due_at - started) * policy.warn_at_percent / 100
        session.add(clock)
        clocks.append(clock)
    await session.flush()
    return clocks


async def clocks_of(session: AsyncSession, tenant_id: str, ticket_ids: list) -> dict:
    rows = (await session.execute(select(SlaClock).where(
        SlaClock.tenant_id == tenant_id, SlaClock.ticket_id.in_(ticket_ids)
    ).order_by(SlaClock.id))).scalars()
    grouped: dict = {}
    for row in rows:
        grouped.setdefault(row.ticket_id, []).append(row)
    return grouped


def calendar_missing(ticket: Ticket, clock: SlaClock, message: str):
    return new_event("ticketing", "calendar", "missing", ticket.tenant_id, str(ticket.id), {
        "ticket_id": str(ticket.id), "number": ticket.number, "clock": clock.clock,
        "target": clock.target, "clause": clock.clause, "year": clock.missing_year,
        "started_at": clock.started_at.isoformat(), "message": message,
    })


def remaining_seconds(clock: SlaClock, now: datetime) -> int | None:
    """Seconds left (negative when overdue) for a running clock; None otherwise."""
    if clock.state != "running" or clock.due_at is None:
        return None
    return int((clock.due_at - now).total_seconds())
