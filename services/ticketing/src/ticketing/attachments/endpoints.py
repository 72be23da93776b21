"""A ticket's files over HTTP. Upload is the file itself as the body (any Content-Type: the
bytes decide), its name in `filename`; download is always `attachment` — nothing a client
uploaded is rendered by the browser (no inline HTML, no sniffing, a sandbox CSP)."""

from __future__ import annotations

import hashlib
import re
from typing import Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from opspact import downloads
from opspact.app import SESSION, current_principal
from opspact.auth import Principal
from opspact.errors import NotFound, PayloadTooLarge, Unprocessable, UnsupportedMediaType
from opspact.permissions import may, require
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from ticketing.attachments import sniff
from ticketing.attachments.models import Attachment
from ticketing.attachments.schemas import AttachmentOut, AttachmentPage
from ticketing.attachments.store import of_app
from ticketing.comments.models import Comment
from ticketing.config import get_settings
from ticketing.search.index import reindex
from ticketing.tickets import repository
from ticketing.tickets.service import get as get_ticket

router = APIRouter(prefix="/tickets/{ticket_id}/attachments", tags=["tickets"])
AttachmentId = Path(ge=1, le=2**62, description="the attachment's number")
_NOT_IN_NAME = re.compile(r"[\x00-\x1f\x7f]")
KINDS = {k.content_type: k.label for k in vars(sniff).values() if isinstance(k, sniff.Kind)}
FILE_BODY = {"requestBody": {"required": True, "content": {
    "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}}


def attachment_out(a: Attachment) -> AttachmentOut:
    return AttachmentOut(id=a.id, ticket_id=str(a.ticket_id), comment_id=a.comment_id,
                         visibility=a.visibility, filename=a.filename, content_type=a.content_type,
                         kind=KINDS.get(a.content_type, a.content_type), size=a.size, sha256=a.sha256,
                         uploaded_by=a.uploaded_by, created_at=a.created_at)


def _clean_name(filename: str) -> str:
    """The name as the user's system had it, less any folders and control characters."""
    name = _NOT_IN_NAME.sub("", re.split(r"[\\/]", filename)[-1]).strip()
    if not name or name in (".", ".."):
        raise Unprocessable("filename names no file", errors=[{"field": "query.filename",
                                                               "message": "empty after removing folders"}])
    return name


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
    if not data:
        raise Unprocessable("the body is empty: send the file's bytes as the body")
    if len(data) > settings.attachment_max_bytes:
        raise PayloadTooLarge(f"the file is {len(data):,} bytes; one file may have at most "
                              f"{settings.attachment_max_bytes:,}")
    name = _clean_name(filename)
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
    kind = sniff.kind_of(data)
    if kind is None:
        raise UnsupportedMediaType(f"{name!r} is not a kind of file accepted here: images, PDF, "
                                   "Word/Excel/PowerPoint, text and logs, zip/gz/7z/rar archives")
    held = (await session.execute(select(func.coalesce(func.sum(Attachment.size), 0)).where(
        Attachment.tenant_id == principal.tenant, Attachment.ticket_id == ticket.id))).scalar_one()
    if held + len(data) > settings.attachment_ticket_max_bytes:
        raise PayloadTooLarge(f"ticket {ticket.number} holds {held:,} bytes of files; with this one "
                              f"it would pass its {settings.attachment_ticket_max_bytes:,}")
    digest = hashlib.sha256(data).hexdigest()
    store, _ = of_app(request.app, settings)
    await store.put(session, principal.tenant, digest, data, kind.content_type)
    attachment = Attachment(tenant_id=principal.tenant, ticket_id=ticket.id, comment_id=comment_id,
                            visibility=visibility, filename=name, content_type=kind.content_type,
                            size=len(data), sha256=digest, store=store.name, uploaded_by=principal.subject)
    session.add(attachment)
    await session.flush()
    shown = name if visibility == "public" else "（内部附件）"
    repository.record(session, ticket, principal.subject, "attached",
                      f"附件 {attachment.id}：{shown}（{kind.label}，{len(data):,} 字节）")
    await reindex(session, ticket.id)
    await session.refresh(attachment)
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
