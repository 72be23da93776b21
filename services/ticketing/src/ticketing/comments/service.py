"""Adding a comment: the one way, for the API, bulk actions and (later) mail replies."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from ticketing.comments.models import Comment
from ticketing.comments.schemas import CommentIn
from ticketing.search.index import reindex
from ticketing.tickets import repository
from ticketing.tickets.models import Ticket


def timeline_prefix(comment_id: int) -> str:
    # The timeline entry names its comment, so a redaction finds it and hides the text there too.
    return f"评论 {comment_id}："


async def add(session: AsyncSession, ticket: Ticket, author: str, body: CommentIn) -> Comment:
    """The comment, on the ticket's timeline too (an internal one without its text), and in
    the ticket's search words."""
    comment = Comment(tenant_id=ticket.tenant_id, ticket_id=ticket.id, author=author,
                      visibility=body.visibility, body=body.body, version=1, earlier=[])
    session.add(comment)
    await session.flush()
    said = comment.body[:500] if comment.visibility == "public" else "（内部备注）"
    repository.record(session, ticket, author, "commented", f"{timeline_prefix(comment.id)}{said}")
    await reindex(session, ticket.id)
    await session.refresh(comment)
    return comment
