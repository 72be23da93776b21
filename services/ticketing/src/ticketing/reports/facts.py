"""What a report counts, read from ticketing's own tables for one tenant and period
[start, end): the tickets opened in it with how each ended, their SLA clocks, the work
log, the inspection rounds. Aggregates are left to the builders; the reads are plain
and indexed by tenant and time, so a month of 50,000 tickets stays a few queries."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ticketing.followups.models import FollowUp
from ticketing.inspections import ledger
from ticketing.inspections.schemas import RoundOut
from ticketing.sla.models import SlaClock
from ticketing.tickets.models import Ticket, TimelineEntry
from ticketing.tickets.service import systems_of
from ticketing.worklog.models import WorklogEntry


@dataclass(frozen=True)
class Fault:
    id: uuid.UUID
    number: str
    kind: str
    priority: str
    channel: str
    system: str
    title: str
    description: str
    status: str
    assignee: str | None
    created_at: datetime
    resolved_at: datetime | None
    solution: str  # the note given when it was resolved


@dataclass(frozen=True)
class Clock:
    ticket_id: uuid.UUID
    clock: str
    target: str
    state: str
    started_at: datetime
    stopped_at: datetime | None
    breached: bool
    paused_seconds: int


@dataclass(frozen=True)
class FollowUpFact:
    number: str
    title: str
    channel: str  # sms | phone
    answered: bool
    via: str | None
    score: int | None
    comment: str | None
    complaint: bool


@dataclass
class Facts:
    start: datetime
    end: datetime
    systems: dict[str, str]
    faults: list[Fault]
    clocks: list[Clock]
    worklog: list[WorklogEntry]
    rounds: list[RoundOut]
    # the follow-ups of resolutions in the period; None where the contract asks for none
    follow_ups: list[FollowUpFact] | None = None


def fault(t: Ticket, resolved_at: datetime | None = None, solution: str = "") -> Fault:
    return Fault(t.id, t.number, t.kind, t.priority, t.channel, t.system_code, t.title, t.description,
                 t.status, t.assignee, t.created_at, resolved_at, solution)


async def _resolutions(session: AsyncSession, tenant_id: str, start: datetime,
                       end: datetime) -> dict[uuid.UUID, tuple[datetime, str]]:
    """The last resolution of each ticket opened in the period (a reopened ticket's
    latest one)."""
    opened = select(Ticket.id).where(Ticket.tenant_id == tenant_id, Ticket.created_at >= start,
                                     Ticket.created_at < end)
    rows = await session.execute(
        select(TimelineEntry.ticket_id, TimelineEntry.at, TimelineEntry.note)
        .where(TimelineEntry.tenant_id == tenant_id, TimelineEntry.to_status == "resolved",
               TimelineEntry.ticket_id.in_(opened))
        .order_by(TimelineEntry.ticket_id, TimelineEntry.at.desc())
        .distinct(TimelineEntry.ticket_id))
    return {ticket_id: (at, note) for ticket_id, at, note in rows}


async def tickets(session: AsyncSession, tenant_id: str, start: datetime, end: datetime) -> list[Fault]:
    """The tickets opened in [start, end), each with its last resolution."""
    resolved = await _resolutions(session, tenant_id, start, end)
    rows = await session.execute(
        select(Ticket).where(Ticket.tenant_id == tenant_id, Ticket.created_at >= start,
                             Ticket.created_at < end).order_by(Ticket.created_at, Ticket.seq))
    return [fault(t, *resolved.get(t.id, (None, ""))) for t in rows.scalars()]


async def follow_ups(session: AsyncSession, tenant_id: str, start: datetime,
                     end: datetime) -> list[FollowUpFact]:
    """The follow-ups of the resolutions in [start, end) — counted in the period the
    fault was resolved, answered or not (an answer after the period still counts there)."""
    rows = await session.execute(
        select(FollowUp, Ticket.number, Ticket.title).join(Ticket, Ticket.id == FollowUp.ticket_id)
        .where(FollowUp.tenant_id == tenant_id, FollowUp.resolved_at >= start, FollowUp.resolved_at < end)
        .order_by(FollowUp.resolved_at, FollowUp.id))
    return [FollowUpFact(number, title, f.channel, f.answered_at is not None, f.answered_via, f.score,
                         f.comment, f.complaint_ticket_id is not None) for f, number, title in rows]


async def gather(session: AsyncSession, tenant_id: str, start: datetime, end: datetime,
                 followed: bool = False) -> Facts:
    systems = await systems_of(session, tenant_id)
    faults = await tickets(session, tenant_id, start, end)
    clocks = [Clock(c.ticket_id, c.clock, c.target, c.state, c.started_at, c.stopped_at,
                    c.state == "breached" or c.breached_at is not None,
                    int(c.paused_total.total_seconds()))
              for c in (await session.execute(
                  select(SlaClock).where(SlaClock.tenant_id == tenant_id, SlaClock.started_at >= start,
                                         SlaClock.started_at < end))).scalars()]
    worklog = list((await session.execute(
        select(WorklogEntry).where(WorklogEntry.tenant_id == tenant_id, WorklogEntry.occurred_at >= start,
                                   WorklogEntry.occurred_at < end)
        .order_by(WorklogEntry.occurred_at, WorklogEntry.id))).scalars())
    rounds = list(reversed(await ledger.rounds(session, tenant_id, start, end, None)))
    answered = await follow_ups(session, tenant_id, start, end) if followed else None
    return Facts(start, end, systems, faults, clocks, worklog, rounds, answered)
