"""The desk's public answer to a ticket that came by mail goes back to whoever wrote last,
in their thread: Re: the subject with the ticket number, In-Reply-To their last mail,
References the whole thread, and a Message-ID of ours that the intake knows again when
they answer it. Notify sends it (rule 邮件答复, email only)."""

from __future__ import annotations

import re

from opspact import outbox
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ticketing.mail.models import MailMessage
from ticketing.tables import shared
from ticketing.tickets import events
from ticketing.tickets.models import Ticket
from ticketing.tickets.service import settings_of

MAX_REFERENCES = 20
_REPLY_PREFIX = re.compile(r"^\s*(?:(?:re|回复|答复|fw|fwd|转发)\s*[:：]\s*)+", re.IGNORECASE)


def reply_subject(subject: str, number: str) -> str:
    base = _REPLY_PREFIX.sub("", subject).strip() or "工单答复"
    return f"Re: {base}" + ("" if number in base else f" [{number}]")


async def send_back(session: AsyncSession, ticket: Ticket, comment) -> None:
    """Stage the reply for a public comment the desk wrote on a mail ticket; nothing else."""
    if ticket.channel != "email" or comment.visibility != "public" or comment.author.startswith("mail:"):
        return
    thread = list((await session.execute(select(MailMessage).where(
        MailMessage.tenant_id == ticket.tenant_id, MailMessage.ticket_id == ticket.id)
        .order_by(MailMessage.at))).scalars())
    received = [m for m in thread if m.direction == "in"]
    intake = (await settings_of(session, ticket.tenant_id)).email
    if not received or intake is None:
        return  # not a ticket the intake opened (a hotline call filed as channel email)
    last = received[-1]
    ours = intake.addresses[0]
    message_id = f"<ticket-{ticket.id}.{comment.id}@{ours.partition('@')[2]}>"
    mail = {"message_id": message_id, "in_reply_to": last.message_id,
            "references": [m.message_id for m in thread][-MAX_REFERENCES:],
            "subject": reply_subject(received[0].subject, ticket.number), "reply_to": ours}
    session.add(MailMessage(tenant_id=ticket.tenant_id, message_id=message_id, direction="out",
                            ticket_id=ticket.id, comment_id=comment.id, sender=ours,
                            subject=mail["subject"], outcome="sent"))
    await outbox.add(session, shared.outbox, events.mail_reply(ticket, comment.id, comment.author,
                                                               last.sender, comment.body, mail))
