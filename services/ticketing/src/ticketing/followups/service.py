"""Follow-ups: made when a ticket someone reported is resolved, answered through the SMS
link (a one-time token, no login) or recorded by the engineer after a phone call; a low
score opens a complaint ticket linked to the one it is about."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from opspact import outbox
from opspact.errors import Conflict, Gone, NotFound
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from ticketing.followups import events
from ticketing.followups.models import FollowUp
from ticketing.tables import shared
from ticketing.tenant_settings import TicketingTenantSettings
from ticketing.tickets.models import Ticket
from ticketing.tickets.schemas import TicketCreate

LINK_PATH = "/f"
# a monitor's alert or a round's finding has nobody to ask; a complaint is itself the answer
NOT_FOLLOWED = ("hook", "inspection", "follow_up")


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def on_resolved(session: AsyncSession, settings: TicketingTenantSettings, ticket: Ticket,
                      public_url: str) -> FollowUp | None:
    """A follow-up for this resolution, when the tenant follows the kind up and a person
    reported it (a monitor's alert has nobody to ask). By SMS when the reporter left a
    mobile, else by phone."""
    wanted = settings.follow_ups
    if ticket.kind not in wanted.kinds or not (ticket.reporter or ticket.reporter_mobile) \
            or ticket.channel in NOT_FOLLOWED or ticket.resolved_at is None:
        return None
    token = secrets.token_urlsafe(16) if ticket.reporter_mobile else None
    row = FollowUp(tenant_id=ticket.tenant_id, ticket_id=ticket.id, resolved_at=ticket.resolved_at,
                   due_at=ticket.resolved_at + timedelta(days=wanted.within_days),
                   channel="sms" if token else "phone",
                   token_sha256=token_digest(token) if token else None,
                   link_expires_at=(ticket.resolved_at + timedelta(days=wanted.link_valid_days)
                                    if token else None))
    session.add(row)
    await session.flush()
    if token:
        link = f"{public_url}{LINK_PATH}/{ticket.tenant_id}/{token}"
        await outbox.add(session, shared.outbox, events.requested(ticket, row, link))
    return row


@dataclass
class Found:
    follow_up: FollowUp
    ticket: Ticket


async def by_token(session: AsyncSession, tenant_id: str, token: str,
                   now: datetime | None = None) -> Found:
    """The follow-up a link names: 404 for no such link, 410 once it has expired (an answer
    already given is shown, never changed)."""
    row = (await session.execute(
        select(FollowUp, Ticket).join(Ticket, Ticket.id == FollowUp.ticket_id)
        .where(FollowUp.tenant_id == tenant_id, FollowUp.token_sha256 == token_digest(token)))).first()
    if row is None:
        raise NotFound("no such follow-up link: check the address in the SMS")
    found = Found(*row)
    expires = found.follow_up.link_expires_at
    if found.follow_up.answered_at is None and (now or datetime.now(UTC)) >= expires:
        raise Gone(f"this follow-up link expired at {expires.isoformat()}; "
                   "the service desk will call instead")
    return found


async def answer(session: AsyncSession, settings: TicketingTenantSettings, found: Found,
                 score: int, comment: str | None, via: str,
                 recorded_by: str | None) -> tuple[FollowUp, bool]:
    """(the follow-up, whether this call answered it). The first answer counts: the row is
    claimed by an UPDATE … WHERE answered_at IS NULL, so two at once record one."""
    claimed = (await session.execute(
        update(FollowUp).where(FollowUp.id == found.follow_up.id, FollowUp.answered_at.is_(None))
        .values(answered_at=func.now(), answered_via=via, score=score, comment=comment,
                recorded_by=recorded_by).returning(FollowUp.id))).first()
    await session.refresh(found.follow_up)
    if claimed is None:
        return found.follow_up, False
    if score <= settings.follow_ups.low_score:
        complaint = await _complaint(session, settings, found, score, comment)
        found.follow_up.complaint_ticket_id = complaint.id
    await outbox.add(session, shared.outbox, events.answered(found.ticket, found.follow_up))
    await session.flush()
    return found.follow_up, True


async def _complaint(session: AsyncSession, settings: TicketingTenantSettings, found: Found,
                     score: int, comment: str | None) -> Ticket:
    from ticketing.tickets import service as tickets  # tickets.service imports this module's caller
    ticket = found.ticket
    body = TicketCreate(kind="service_request", priority=settings.follow_ups.complaint_priority,
                        channel="follow_up", system=ticket.system_code,
                        title=f"回访不满意：{ticket.number}（{score}分）"[:200],
                        description=(f"工单{ticket.number}《{ticket.title}》回访评分{score}分。"
                                     f"报告人意见：{comment or '（未填写）'}")[:20000],
                        reporter=ticket.reporter)
    created = await tickets.create(session, ticket.tenant_id, body, "follow-up",
                                   idempotency_key=f"complaint:{found.follow_up.id}", settings=settings)
    return created.ticket


async def for_ticket(session: AsyncSession, tenant_id: str, ticket_id) -> FollowUp:
    row = (await session.execute(select(FollowUp).where(
        FollowUp.tenant_id == tenant_id, FollowUp.ticket_id == ticket_id)
        .order_by(FollowUp.resolved_at.desc()).limit(1))).scalar_one_or_none()
    if row is None:
        raise NotFound("this ticket has no follow-up: its kind is not followed up, nobody reported it, "
                       "or it is not resolved")
    return row


def ensure_open_for_phone(row: FollowUp) -> None:
    if row.answered_at is not None:
        raise Conflict(f"the follow-up was answered ({row.answered_via}) with {row.score} points at "
                       f"{row.answered_at.isoformat()}: the first answer counts")
