"""A ticket's comments over HTTP. Internal comments are the desk's: the client's roles
neither read nor write them (permission `comments.internal`); a comment is edited only by
its author, from the version they saw; redaction (`comments.redact`) keeps that a comment was
there, by whom and when, and why it was redacted — not its text, in any version."""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Path, Query
from opspact.app import SESSION, current_principal
from opspact.auth import Principal
from opspact.errors import Conflict, Forbidden, NotFound
from opspact.permissions import may, require
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from ticketing.comments import service
from ticketing.comments.mentions import mentioned
from ticketing.comments.models import Comment
from ticketing.comments.schemas import CommentEdit, CommentIn, CommentOut, CommentPage, RedactIn
from ticketing.search.index import reindex
from ticketing.tickets import repository
from ticketing.tickets.models import TimelineEntry
from ticketing.tickets.service import get as get_ticket

router = APIRouter(prefix="/tickets/{ticket_id}/comments", tags=["tickets"])
REDACTED = "（已删除）"
CommentId = Path(ge=1, le=2**62, description="the comment's number")  # a bigint, as the other ids


def sees_internal(principal: Principal) -> bool:
    return may(principal, "comments.internal")


def comment_out(c: Comment) -> CommentOut:
    return CommentOut(id=c.id, ticket_id=str(c.ticket_id), author=c.author, visibility=c.visibility,
                      body=c.body, quoted=c.quoted, version=c.version, earlier=c.earlier,
                      redacted=c.redacted_at is not None, redacted_by=c.redacted_by,
                      redacted_at=c.redacted_at, redaction_reason=c.redaction_reason,
                      created_at=c.created_at, updated_at=c.updated_at)


async def _comment(session: AsyncSession, principal: Principal, ticket_id: UUID,
                   comment_id: int) -> Comment:
    comment = (await session.execute(select(Comment).where(
        Comment.tenant_id == principal.tenant, Comment.ticket_id == ticket_id,
        Comment.id == comment_id).with_for_update())).scalar_one_or_none()
    if comment is None or (comment.visibility == "internal" and not sees_internal(principal)):
        raise NotFound(f"comment {comment_id} not found on ticket {ticket_id}")
    return comment


@router.post("", status_code=201, response_model=CommentOut)
async def add_comment(ticket_id: UUID, body: CommentIn,
                      principal: Principal = Depends(current_principal),
                      session: AsyncSession = SESSION) -> CommentOut:
    """A comment on the ticket, on its timeline too (an internal one without its text)."""
    require(principal, "tickets.write")
    if body.visibility == "internal":
        require(principal, "comments.internal")
    ticket = await get_ticket(session, principal.tenant, ticket_id)
    comment = await service.add(session, ticket, principal.subject, body)
    return comment_out(comment)



@router.get("", response_model=CommentPage)
async def list_comments(ticket_id: UUID, visibility: Literal["internal", "public"] | None = None,
                        limit: int = Query(50, ge=1, le=200), offset: int = Query(0, ge=0, le=1_000_000),
                        principal: Principal = Depends(current_principal),
                        session: AsyncSession = SESSION) -> CommentPage:
    """Oldest first; the internal ones only for the desk's roles."""
    require(principal, "tickets.read")
    await get_ticket(session, principal.tenant, ticket_id)
    where = [Comment.tenant_id == principal.tenant, Comment.ticket_id == ticket_id]
    if not sees_internal(principal):
        where.append(Comment.visibility == "public")
    if visibility is not None:
        where.append(Comment.visibility == visibility)
    rows = (await session.execute(select(Comment).where(*where).order_by(Comment.id)
                                  .limit(limit).offset(offset))).scalars()
    total = (await session.execute(select(func.count()).select_from(Comment).where(*where))).scalar_one()
    return CommentPage(items=[comment_out(c) for c in rows], total=total, limit=limit, offset=offset)


@router.put("/{comment_id}", response_model=CommentOut,
            responses={409: {"description": "edited since the version given, or redacted"}})
async def edit_comment(ticket_id: UUID, body: CommentEdit, comment_id: int = CommentId,
                       principal: Principal = Depends(current_principal),
                       session: AsyncSession = SESSION) -> CommentOut:
    """A new text by its author; the text it replaces is kept as a version."""
    require(principal, "tickets.write")
    comment = await _comment(session, principal, ticket_id, comment_id)
    if comment.author != principal.subject:
        raise Forbidden(f"only {comment.author}, who wrote it, edits comment {comment_id}")
    if comment.redacted_at is not None:
        raise Conflict(f"comment {comment_id} was redacted; a redacted comment is not edited")
    if body.version != comment.version:
        raise Conflict(f"comment {comment_id} is at version {comment.version}, not {body.version}: "
                       "someone edited it first; reload and retry")
    if body.body == comment.body:
        return comment_out(comment)
    comment.earlier = [*comment.earlier, {"version": comment.version, "body": comment.body,
                                          "by": comment.author,
                                          "at": comment.updated_at.isoformat()}]
    before = set(mentioned(comment.body))
    comment.body, comment.version, comment.updated_at = body.body, comment.version + 1, func.now()
    await reindex(session, ticket_id)
    await session.refresh(comment)
    ticket = await get_ticket(session, principal.tenant, ticket_id)
    # only those the edit adds: the others were told when they were first named
    await service.announce_mentions(session, ticket, comment,
                                    [c for c in mentioned(body.body) if c not in before])
    return comment_out(comment)


@router.post("/{comment_id}/redact", response_model=CommentOut,
             responses={409: {"description": "redacted already"}})
async def redact_comment(ticket_id: UUID, body: RedactIn, comment_id: int = CommentId,
                         principal: Principal = Depends(current_principal),
                         session: AsyncSession = SESSION) -> CommentOut:
    """Hide a comment's text (every version) for a reason; the comment stays, as evidence
    that something was said, by whom and when."""
    require(principal, "comments.redact")
    comment = await _comment(session, principal, ticket_id, comment_id)
    if comment.redacted_at is not None:
        raise Conflict(f"comment {comment_id} was redacted already ({comment.redaction_reason})")
    comment.body, comment.quoted = REDACTED, None
    comment.earlier = [{**v, "body": REDACTED} for v in comment.earlier]
    comment.redacted_by, comment.redacted_at = principal.subject, func.now()
    comment.redaction_reason, comment.updated_at = body.reason, func.now()
    ticket = await get_ticket(session, principal.tenant, ticket_id)
    repository.record(session, ticket, principal.subject, "comment_redacted",
                      f"评论 {comment_id} 已删除：{body.reason}")
    # the public text the timeline showed goes as well; the entry stays, as the comment does
    await session.execute(update(TimelineEntry).where(
        TimelineEntry.tenant_id == principal.tenant, TimelineEntry.ticket_id == ticket.id,
        TimelineEntry.action == "commented",
        TimelineEntry.note.startswith(service.timeline_prefix(comment_id), autoescape=True),
    ).values(note=f"{service.timeline_prefix(comment_id)}{REDACTED}"))
    await reindex(session, ticket.id)
    await session.refresh(comment)
    return comment_out(comment)
