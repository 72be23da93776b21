"""A ticket's files over HTTP. Upload is the file itself as the body (any Content-Type: the
bytes decide), its name in `filename`; download is always `attachment` — nothing a client
uploaded is rendered by the browser (no inline HTML, no sniffing, a sandbox CSP)."""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from opspact import downloads, sniff
from opspact.app import SESSION, current_principal
from opspact.auth import Principal
from opspact.errors import NotFound
from opspact.permissions import may, require
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ticketing.attachments import service
from ticketing.attachments.models import Attachment
from ticketing.attachments.schemas import AttachmentOut, AttachmentPage
from ticketing.attachments.store import of_app
from ticketing.comments.models import Comment
from ticketing.config import get_settings
from ticketing.tickets.service import get as get_ticket

router = APIRouter(prefix="/tickets/{ticket_id}/attachments", tags=["tickets"])
AttachmentId = Path(ge=1, le=2**62, description="the attachment's number")
KINDS = {k.content_type: k.label for k in vars(sniff).values() if isinstance(k, sniff.Kind)}
FILE_BODY = {"requestBody": {"required": True, "content": {
    "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}}


def attachment_out(a: Attachment) -> AttachmentOut:
    return AttachmentOut(id=a.id, ticket_id=str(a.ticket_id), comment_id=a.comment_id,
                         visibility=a.visibility, filename=a.filename, content_type=a.content_type,
                         kind=KINDS.get(a.content_type, a.content_type), size=a.size, sha256=a.sha256,
                         uploaded_by=a.uploaded_by, created_at=a.created_at)


def _visible(principal: Principal):
    return [] if may(principal, "comments.internal") else [Attachment.visibility == "public"]


@router.post("", status_code=201, response_model=AttachmentOut, openapi_extra=FILE_BODY, responses={
    413: {"description": "the file, or the ticket's files together, past the limit"},
    415: {"description": "not a kind of file accepted (images, PDF, office, text, archives)"}})
async def upload_attachment(request: Request, ticket_id: UUID,
                 filename: str = Query(min_length=1, max_length=255, description="the file's name"),
                 comment_id: int | None = Query(None, ge=1, le=2**62, description=(
                     "attach to this comment (its visibility applies)")),
                 visibility: Literal["internal", "public"] = Query("public", description=(
                     "for a file on the ticket itself: public (the client sees it) or internal")),
                 principal: Principal = Depends(current_principal),
                 session: AsyncSession = SESSION) -> AttachmentOut:
    require(principal, "tickets.write")
    settings = get_settings()
    data = await request.body()
    ticket = await get_ticket(session, principal.tenant, ticket_id)
    if comment_id is not None:
        comment = (await session.execute(select(Comment).where(
            Comment.tenant_id == principal.tenant, Comment.ticket_id == ticket.id,
            Comment.id == comment_id))).scalar_one_or_none()
        if comment is None or (comment.visibility == "internal" and not may(principal, "comments.internal")):
            raise NotFound(f"comment {comment_id} not found on ticket {ticket.number}")
        visibility = comment.visibility
    if visibility == "internal":
        require(principal, "comments.internal")
    store, _ = of_app(request.app, settings)
    attachment = await service.add(session, store, settings, ticket, data, filename, visibility,
                                   principal.subject, comment_id)
    return attachment_out(attachment)


@router.get("", response_model=AttachmentPage)
async def list_attachments(ticket_id: UUID, comment_id: int | None = Query(None, ge=1, le=2**62),
                           principal: Principal = Depends(current_principal),
                           session: AsyncSession = SESSION) -> AttachmentPage:
    """Oldest first; internal ones only for the desk's roles. A ticket holds at most a few
    hundred files (its byte limit), so the list is whole."""
    require(principal, "tickets.read")
    await get_ticket(session, principal.tenant, ticket_id)
    where = [Attachment.tenant_id == principal.tenant, Attachment.ticket_id == ticket_id,
             *_visible(principal)]
    if comment_id is not None:
        where.append(Attachment.comment_id == comment_id)
    rows = list((await session.execute(select(Attachment).where(*where).order_by(Attachment.id))).scalars())
    return AttachmentPage(items=[attachment_out(a) for a in rows], total=len(rows),
                          total_bytes=sum(a.size for a in rows))


@router.get("/{attachment_id}", response_class=Response, responses={200: {
    "description": "the file, as a download", "content": {"application/octet-stream": {
        "schema": {"type": "string", "format": "binary"}}}}})
async def download_attachment(request: Request, ticket_id: UUID, attachment_id: int = AttachmentId,
                   principal: Principal = Depends(current_principal),
                   session: AsyncSession = SESSION) -> Response:
    require(principal, "tickets.read")
    attachment = (await session.execute(select(Attachment).where(
        Attachment.tenant_id == principal.tenant, Attachment.ticket_id == ticket_id,
        Attachment.id == attachment_id, *_visible(principal)))).scalar_one_or_none()
    if attachment is None:
        raise NotFound(f"attachment {attachment_id} not found on ticket {ticket_id}")
    store = of_app(request.app, get_settings())[1][attachment.store]
    data = await store.get(session, principal.tenant, attachment.sha256)
    if data is None:
        raise NotFound(f"the bytes of attachment {attachment_id} are missing from the {store.name} store")
    return Response(data, media_type=attachment.content_type, headers={
        "Content-Disposition": downloads.attachment(attachment.filename),
        "X-Content-Type-Options": "nosniff", "Content-Security-Policy": "sandbox",
        "ETag": f'"{attachment.sha256}"', "Cache-Control": "private, max-age=3600"})
