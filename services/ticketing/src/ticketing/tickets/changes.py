"""Changing a ticket after it was created: status transitions and field updates.

Each change locks the ticket row, writes a timeline entry, moves the SLA clocks
and stages its events — one transaction, so a change is all there or not at all."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from uuid import UUID

from opspact import outbox
from opspact.errors import Conflict, NotFound, Unprocessable
from opspact.types import SHANGHAI
from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession

from ticketing.config import get_settings
from ticketing.followups import service as followups
from ticketing.search.index import reindex
from ticketing.sla import clocks
from ticketing.tables import shared
from ticketing.tickets import events, repository, workflow
from ticketing.tickets.models import Ticket
from ticketing.tickets.schemas import EffectivePlanIn, TicketUpdate, TransitionCreate, VisitIn
from ticketing.tickets.service import settings_of

# Fields whose change can put the ticket under another SLA policy.
POLICY_FIELDS = {"kind", "priority", "system"}
COLUMNS = {"system": "system_code"}
# Fields the ticket's search words come from (search.index).
SEARCHED_FIELDS = {"title", "description", "system"}


async def _locked(session: AsyncSession, tenant_id: str, ticket_id: UUID) -> Ticket:
    ticket = await repository.get_for_update(session, tenant_id, ticket_id)
    if ticket is None:
        raise NotFound(f"ticket {ticket_id} not found")
    return ticket


async def transition(session: AsyncSession, tenant_id: str, ticket_id: UUID,
                     body: TransitionCreate, actor: str) -> Ticket:
    settings = await settings_of(session, tenant_id)
    ticket = await _locked(session, tenant_id, ticket_id)
    old = ticket.status
    if body.expected_status is not None and old != body.expected_status.value:
        raise Conflict(f"ticket {ticket.number} is {old}, not {body.expected_status.value}: "
                       "someone changed it first; reload and retry")
    try:
        reopened = workflow.check(old, body.to)
    except workflow.Refused as refused:
        raise Conflict(f"cannot move ticket {ticket.number} from {old} to {body.to.value}: "
                       f"{refused}") from None
    if reopened and not body.note:
        raise Unprocessable("reopening needs a note saying why the fault is not resolved",
                            errors=[{"field": "body.note", "message": "required when reopening"}])
    previous_assignee = ticket.assignee
    ticket.status = body.to.value
    ticket.updated_at = func.now()
    ticket.resolved_at = workflow.resolved_at_after(ticket.status, func.now(), ticket.resolved_at)
    if body.assignee is not None:
        ticket.assignee = body.assignee
    repository.record(session, ticket, actor, "reopened" if reopened else "status_changed",
                      body.note, from_status=old, to_status=ticket.status)
    if ticket.assignee != previous_assignee:
        repository.record(session, ticket, actor, "assigned",
                          f"{previous_assignee or '—'} → {ticket.assignee}")
    await session.flush()
    await session.refresh(ticket)
    await clocks.on_status(session, ticket, settings, old, ticket.status)
    await outbox.add(session, shared.outbox,
                     events.status_changed(ticket, old, actor, body.note, reopened))
    if ticket.assignee != previous_assignee:
        await outbox.add(session, shared.outbox, events.assigned(ticket, previous_assignee, actor))
    if ticket.status == "resolved":
        await outbox.add(session, shared.outbox, events.resolved(ticket, actor, body.note))
        await followups.on_resolved(session, settings, ticket, get_settings().public_url)
    elif ticket.status == "closed":
        await outbox.add(session, shared.outbox, events.closed(ticket, actor, body.note))
    return ticket


async def update(session: AsyncSession, tenant_id: str, ticket_id: UUID, body: TicketUpdate,
                 actor: str) -> Ticket:
    settings = await settings_of(session, tenant_id)
    ticket = await _locked(session, tenant_id, ticket_id)
    sent = body.model_dump(mode="json", exclude_unset=True, exclude={"note"})
    for field in ("kind", "priority", "system", "title"):
        if field in sent and sent[field] is None:
            raise Unprocessable(f"{field} cannot be removed",
                                errors=[{"field": f"body.{field}", "message": "must not be null"}])
    changes = {field: (getattr(ticket, COLUMNS.get(field, field)), value)
               for field, value in sent.items()
               if getattr(ticket, COLUMNS.get(field, field)) != value}
    if not changes:
        return ticket  # nothing differs: no timeline entry, no event
    if ticket.status == "closed":
        raise Conflict(f"ticket {ticket.number} is closed; a closed ticket is final")
    if "system" in changes and changes["system"][1] not in {s.code for s in settings.systems}:
        raise Unprocessable(f"unknown system {changes['system'][1]!r} for tenant {tenant_id}",
                            errors=[{"field": "body.system", "message": "unknown system"}])
    for field, (_, value) in changes.items():
        setattr(ticket, COLUMNS.get(field, field), value)
    ticket.updated_at = func.now()
    assignee = changes.pop("assignee", None)
    if assignee is not None:
        repository.record(session, ticket, actor, "assigned",
                          f"{assignee[0] or '—'} → {assignee[1] or '—'}")
    if changes:
        described = "; ".join(f"{f}: {o} → {n}" for f, (o, n) in changes.items()
                              if f not in ("description",)) or "description"
        repository.record(session, ticket, actor, "updated",
                          f"{described}. {body.note}".strip() if body.note else described)
    await session.flush()
    await session.refresh(ticket)
    if SEARCHED_FIELDS & changes.keys():
        await reindex(session, ticket.id)
    if POLICY_FIELDS & changes.keys():
        timeline = await repository.timeline(session, tenant_id, ticket.id)
        await clocks.on_policy(session, ticket, settings, reached_from(timeline))
    if changes:
        await outbox.add(session, shared.outbox, events.updated(ticket, changes, actor, body.note))
    if assignee is not None:
        await outbox.add(session, shared.outbox, events.assigned(ticket, assignee[0], actor))
    return ticket


async def record_plan(session: AsyncSession, tenant_id: str, ticket_id: UUID,
                      body: EffectivePlanIn, actor: str) -> Ticket:
    ticket = await _open_ticket(session, tenant_id, ticket_id)
    return await _milestone(session, ticket, actor, "effective_plan", body.plan,
                            {"effective_plan": (None, body.plan)}, body.plan)


async def agree_visit(session: AsyncSession, tenant_id: str, ticket_id: UUID, body: VisitIn,
                      actor: str) -> Ticket:
    ticket = await _open_ticket(session, tenant_id, ticket_id)
    previous, ticket.visit_at = ticket.visit_at, body.visit_at
    when = body.visit_at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
    note = f"约定上门时间 {when}" + (f"。{body.note}" if body.note else "")
    return await _milestone(session, ticket, actor, "visit_agreed", note,
                            {"visit_at": (previous and previous.isoformat(), body.visit_at.isoformat())},
                            body.note)


async def _open_ticket(session: AsyncSession, tenant_id: str, ticket_id: UUID) -> Ticket:
    ticket = await _locked(session, tenant_id, ticket_id)
    if ticket.status == "closed":
        raise Conflict(f"ticket {ticket.number} is closed; a closed ticket is final")
    return ticket


async def _milestone(session: AsyncSession, ticket: Ticket, actor: str, milestone: str,
                     note: str, changed: dict, event_note: str) -> Ticket:
    """A fact recorded on the ticket: its timeline entry, the clocks it meets, its event."""
    settings = await settings_of(session, ticket.tenant_id)
    ticket.updated_at = func.now()
    repository.record(session, ticket, actor, milestone, note)
    await session.flush()
    await session.refresh(ticket)
    await clocks.on_milestone(session, ticket, settings, milestone)
    await outbox.add(session, shared.outbox, events.updated(ticket, changed, actor, event_note))
    return ticket


def reached_from(timeline) -> Callable[[str], datetime | None]:
    """`reached(status)`: when the ticket last got at least that far along the main line."""
    def reached(status: str) -> datetime | None:
        threshold, last, below = workflow.rank(status), None, True
        for entry in timeline:
            if entry.to_status is None:
                continue
            far = workflow.rank(entry.to_status) >= threshold
            if far and below:
                last = entry.at
            below = not far
        return last
    return reached
