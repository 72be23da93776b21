import re
from datetime import UTC, datetime
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query
from opspact.app import SESSION, current_principal
from opspact.auth import Principal
from opspact.errors import NotFound
from opspact.permissions import require
from opspact.types import IsoInstant
from sqlalchemy.ext.asyncio import AsyncSession

from notify.escalation import acknowledge
from notify.notifications import repository
from notify.notifications.models import Notification
from notify.notifications.schemas import (
    AcknowledgeIn,
    AcknowledgeOut,
    NotificationOut,
    NotificationPage,
    ReplayIn,
    ReplayOut,
    Status,
)

router = APIRouter(prefix="/notifications", tags=["notifications"])
# A follow-up link's one-time token is the reporter's alone: whoever reads the message history
# (the vendor's people among them) sees that a link was sent, never one they could answer.
FOLLOW_UP_TOKEN = re.compile(r"(/f/[a-z0-9][a-z0-9-]{0,31}/)[A-Za-z0-9_-]{16,64}")


def redacted(body: str | None) -> str | None:
    return FOLLOW_UP_TOKEN.sub(r"\1••••••", body) if body else body


def to_out(n: Notification) -> NotificationOut:
    return NotificationOut(
        id=n.id, tenant=n.tenant_id, source_event_id=n.source_event_id,
        source_event_type=n.source_event_type, subject=n.subject, rule=n.rule, level=n.level,
        audience=n.audience, contact=n.contact, contact_name=n.contact_name, urgent=n.urgent,
        channel=n.channel, recipient=n.recipient, fallback=n.fallback or [], template=n.template,
        template_version=n.template_version, body=redacted(n.body), segments=n.segments, status=n.status,
        reason=n.reason, provider=n.provider, provider_message_id=n.provider_message_id,
        attempts=n.attempts, last_error=n.last_error, created_at=n.created_at,
        deferred_until=n.deferred_until, sent_at=n.sent_at, delivered_at=n.delivered_at,
        acknowledged_at=n.acknowledged_at, acknowledged_by=n.acknowledged_by)


@router.get("", response_model=NotificationPage)
async def list_notifications(
    status: Status | None = None,
    channel: Annotated[str | None, Query(max_length=16)] = None,
    recipient: Annotated[str | None, Query(max_length=128)] = None,
    contact: Annotated[str | None, Query(max_length=64)] = None,
    rule: Annotated[str | None, Query(max_length=64)] = None,
    source_event_id: Annotated[str | None, Query(max_length=64)] = None,
    source_event_type: Annotated[str | None, Query(max_length=128)] = None,
    subject: Annotated[str | None, Query(max_length=128, description="e.g. a ticket id")] = None,
    created_from: Annotated[IsoInstant | None, Query(alias="from")] = None,
    created_to: Annotated[IsoInstant | None, Query(alias="to")] = None,
    limit: int = Query(50, ge=1, le=200),
    offset: int = Query(0, ge=0, le=1_000_000),
    principal: Principal = Depends(current_principal),
    session: AsyncSession = SESSION,
) -> NotificationPage:
    """The message history: what went to whom, and what became of it (and why)."""
    require(principal, "notifications.read")
    filters = {"status": status and status.value, "channel": channel, "recipient": recipient,
               "contact": contact, "rule": rule, "source_event_id": source_event_id,
               "source_event_type": source_event_type, "subject": subject,
               "created_from": created_from, "created_to": created_to}
    rows, total = await repository.page(session, principal.tenant, filters, limit, offset)
    return NotificationPage(items=[to_out(n) for n in rows], total=total, limit=limit,
                            offset=offset)


@router.get("/{notification_id}", response_model=NotificationOut)
async def get_notification(notification_id: UUID,
                           principal: Principal = Depends(current_principal),
                           session: AsyncSession = SESSION) -> NotificationOut:
    require(principal, "notifications.read")
    note = await repository.get(session, principal.tenant, notification_id)
    if note is None:
        raise NotFound(f"notification {notification_id} not found")
    return to_out(note)


@router.post("/{notification_id}/acknowledge", response_model=AcknowledgeOut)
async def acknowledge_notification(notification_id: UUID, body: AcknowledgeIn | None = None,
                                   principal: Principal = Depends(current_principal),
                                   session: AsyncSession = SESSION) -> AcknowledgeOut:
    """"I have it": stops the escalation of the event this message is about. Saying it
    again changes nothing and answers the same."""
    require(principal, "notifications.acknowledge")
    note = await repository.get(session, principal.tenant, notification_id)
    if note is None:
        raise NotFound(f"notification {notification_id} not found")
    now = datetime.now(UTC)
    stopped = await acknowledge(session, principal.tenant, principal.subject, now,
                                event_id=note.source_event_id)
    await session.refresh(note)
    return AcknowledgeOut(notification_id=note.id, source_event_id=note.source_event_id,
                          escalations_stopped=stopped, acknowledged_at=note.acknowledged_at or now)


@router.post("/replay", response_model=ReplayOut)
async def replay(body: ReplayIn, principal: Principal = Depends(current_principal),
                 session: AsyncSession = SESSION) -> ReplayOut:
    """Send failed messages again (the dead letters), e.g. after a provider outage."""
    require(principal, "notifications.replay")
    requeued, skipped = [], {}
    for notification_id in dict.fromkeys(body.ids):
        note = await repository.get(session, principal.tenant, notification_id, for_update=True)
        if note is None:
            skipped[str(notification_id)] = "not found"
        elif note.status != "failed":
            skipped[str(notification_id)] = f"is {note.status}; only failed messages are replayed"
        else:
            note.status, note.attempts, note.outcome_unknown_since = "queued", 0, None
            note.reason = f"replayed by {principal.subject} after: {note.reason}"[:1000]
            await repository.queue(session, note.tenant_id, note.id)
            requeued.append(note.id)
    return ReplayOut(requeued=requeued, skipped=skipped)
