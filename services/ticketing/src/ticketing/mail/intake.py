"""A mail, taken in for one tenant, in one transaction: a new ticket, a public comment on
the ticket it answers (reopening a recently resolved one), or nothing (an auto-reply, a
bounce, a mail already taken). Its attachments become the ticket's.

Which ticket a mail answers: one whose mail (taken in or sent back) its In-Reply-To or
References name, else the ticket number in its subject."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from opspact.errors import Problem
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from ticketing.attachments import service as attachments
from ticketing.attachments.store import BlobStore
from ticketing.comments import service as comments
from ticketing.comments.schemas import CommentIn
from ticketing.mail.models import MailMessage
from ticketing.mail.parse import IncomingMail
from ticketing.mail.settings import EmailIntake
from ticketing.tickets import changes, repository, service
from ticketing.tickets.models import Ticket
from ticketing.tickets.schemas import Channel, Status, TicketCreate, TransitionCreate

MAX_DESCRIPTION = MAX_COMMENT = 20000  # what a ticket's description and a comment hold
CUT = "\n……（邮件过长，其余见原邮件）"
HISTORY_MARK = "\n\n—— 邮件中的引用与签名 ——\n"


@dataclass(frozen=True)
class Taken:
    outcome: str  # created | commented | reopened | ignored | duplicate
    ticket: Ticket | None = None
    reason: str | None = None


def _fit(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - len(CUT)] + CUT


def actor_of(mail: IncomingMail) -> str:
    return f"mail:{mail.sender}"[:100]


async def take(session: AsyncSession, tenant_id: str, intake: EmailIntake, mail: IncomingMail,
               store: BlobStore, limits) -> Taken:
    record = {"tenant_id": tenant_id, "message_id": mail.message_id[:255], "direction": "in",
              "sender": mail.sender[:255], "subject": mail.subject, "outcome": "taking"}
    fresh = (await session.execute(insert(MailMessage).values(**record).on_conflict_do_nothing()
                                   .returning(MailMessage.message_id))).scalar_one_or_none()
    if fresh is None:
        return Taken("duplicate", reason=f"{mail.message_id} was taken before")
    if mail.automatic:
        return await _done(session, tenant_id, mail, Taken("ignored", reason=mail.automatic))
    answered = await _answered_ticket(session, tenant_id, mail)
    if answered is not None and answered.status != Status.closed.value:
        reopened = await _reopen_if_recent(session, tenant_id, intake, answered, mail)
        if reopened is not False:
            ticket = reopened or answered
            comment = await comments.add(session, ticket, actor_of(mail), CommentIn(
                body=_fit(mail.text or "（无正文）", MAX_COMMENT), visibility="public"), quoted=mail.quoted)
            await _attach(session, store, limits, ticket, mail, comment.id)
            return await _done(session, tenant_id, mail, Taken(
                "reopened" if reopened else "commented", ticket), comment.id)
    ticket = await _open_ticket(session, tenant_id, intake, mail, answered)
    await _attach(session, store, limits, ticket, mail, None)
    return await _done(session, tenant_id, mail, Taken("created", ticket))


async def _answered_ticket(session: AsyncSession, tenant_id: str, mail: IncomingMail) -> Ticket | None:
    if mail.refers_to:
        ticket_id = (await session.execute(select(MailMessage.ticket_id).where(
            MailMessage.tenant_id == tenant_id, MailMessage.message_id.in_(mail.refers_to),
            MailMessage.ticket_id.is_not(None)).order_by(MailMessage.at.desc()).limit(1))).scalar()
        if ticket_id is not None:
            return await repository.get(session, tenant_id, ticket_id)
    number = mail.ticket_number()
    if number:
        return (await session.execute(select(Ticket).where(
            Ticket.tenant_id == tenant_id, Ticket.number == number))).scalar_one_or_none()
    return None


async def _reopen_if_recent(session, tenant_id, intake: EmailIntake, ticket: Ticket,
                            mail: IncomingMail) -> Ticket | None | bool:
    """None: the ticket is open, comment on it; the ticket: reopened now; False: resolved too
    long ago (or never reopened by mail): a new ticket instead."""
    if ticket.status != Status.resolved.value:
        return None
    window = intake.reopen_within_days
    resolved = ticket.resolved_at or ticket.updated_at
    if window is None or datetime.now(UTC) - resolved > timedelta(days=window):
        return False
    return await changes.transition(session, tenant_id, ticket.id, TransitionCreate(
        to=Status.acknowledged, note=f"报告人来信，问题仍未解决：{mail.subject}"[:2000]), actor_of(mail))


async def _open_ticket(session, tenant_id, intake: EmailIntake, mail: IncomingMail,
                       earlier: Ticket | None) -> Ticket:
    description = mail.text
    if earlier is not None:
        state = "关闭" if earlier.status == "closed" else "解决"
        description = f"（续工单 {earlier.number}，该工单已{state}）\n{description}"
    if mail.quoted:
        description += HISTORY_MARK + mail.quoted
    created = await service.create(session, tenant_id, TicketCreate(
        kind=intake.kind, priority=intake.priority, channel=Channel.email, system=intake.system,
        title=(mail.subject or "（无主题邮件）")[:200], description=_fit(description, MAX_DESCRIPTION),
        reporter=mail.sender[:100]), actor_of(mail))
    return created.ticket


async def _attach(session, store, limits, ticket: Ticket, mail: IncomingMail, comment_id: int | None):
    """Each file of the mail on the ticket; one refused (kind, size) is noted, not fatal."""
    for file in mail.files:
        try:
            async with session.begin_nested():
                await attachments.add(session, store, limits, ticket, file.data, file.filename, "public",
                                      actor_of(mail), comment_id)
        except Problem as refused:
            repository.record(session, ticket, actor_of(mail), "attachment_refused",
                              f"邮件附件 {file.filename} 未接收：{refused.detail}"[:2000])


async def _done(session, tenant_id: str, mail: IncomingMail, taken: Taken,
                comment_id: int | None = None) -> Taken:
    row = await session.get(MailMessage, (tenant_id, mail.message_id[:255]))
    row.outcome, row.reason, row.comment_id = taken.outcome, taken.reason, comment_id
    row.ticket_id = taken.ticket.id if taken.ticket is not None else None
    await session.flush()
    return taken
