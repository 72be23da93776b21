"""Adding a comment — the one way, for the API, bulk actions and (later) mail replies — and
telling the people it mentions."""

from __future__ import annotations

from opspact import outbox
from sqlalchemy.ext.asyncio import AsyncSession

from ticketing.comments.mentions import mentioned
from ticketing.comments.models import Comment
from ticketing.comments.schemas import CommentIn
from ticketing.mail import replies
from ticketing.search.index import reindex
from ticketing.tables import shared
from ticketing.tickets import events, repository
from ticketing.tickets.models import Ticket


def timeline_prefix(comment_id: int) -> str:
    # The timeline entry names its comment, so a redaction finds it and hides the text there too.
    return f"评论 {comment_id}："


async def add(session: AsyncSession, ticket: Ticket, author: str, body: CommentIn,
              quoted: str | None = None) -> Comment:
    """The comment, on the ticket's timeline too (an internal one without its text), and in
    the ticket's search words. `quoted`: a mail's history below the new text."""
    comment = Comment(tenant_id=ticket.tenant_id, ticket_id=ticket.id, author=author,
                      visibility=body.visibility, body=body.body, quoted=quoted or None, version=1,
                      earlier=[])
    session.add(comment)
    await session.flush()
    said = comment.body[:500] if comment.visibility == "public" else "（内部备注）"
    repository.record(session, ticket, author, "commented", f"{timeline_prefix(comment.id)}{said}")
    await reindex(session, ticket.id)
    await session.refresh(comment)
    await announce_mentions(session, ticket, comment, mentioned(comment.body))
    await replies.send_back(session, ticket, comment)
    return comment


async def announce_mentions(session: AsyncSession, ticket: Ticket, comment: Comment,
                            codes: list[str]) -> None:
    """Tell the people a comment names (notify routes `data:mentioned`); the author is not
    told of their own mention."""
    codes = [c for c in codes if c != comment.author]
    if codes:
        await outbox.add(session, shared.outbox, events.mentioned(
            ticket, comment.id, comment.author, comment.visibility, codes, comment.body))
