"""Adding a file to a ticket: the one way, for uploads and for mail intake."""

from __future__ import annotations

import hashlib

from opspact import sniff
from opspact.downloads import uploaded_name
from opspact.errors import PayloadTooLarge, Unprocessable, UnsupportedMediaType
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from ticketing.attachments.models import Attachment
from ticketing.attachments.store import BlobStore
from ticketing.search.index import reindex
from ticketing.tickets import repository
from ticketing.tickets.models import Ticket


async def add(session: AsyncSession, store: BlobStore, settings, ticket: Ticket, data: bytes,
              filename: str, visibility: str, actor: str, comment_id: int | None = None) -> Attachment:
    """The file checked (size, kind from its bytes, the ticket's total), stored, recorded and
    on the timeline. Raises 413, 415 or 422 problems naming what is wrong."""
    if not data:
        raise Unprocessable("the body is empty: send the file's bytes as the body")
    if len(data) > settings.attachment_max_bytes:
        raise PayloadTooLarge(f"the file is {len(data):,} bytes; one file may have at most "
                              f"{settings.attachment_max_bytes:,}")
    name = uploaded_name(filename)
    kind = sniff.kind_of(data)
    if kind is None:
        raise UnsupportedMediaType(f"{name!r} is not a kind of file accepted here: images, PDF, "
                                   "Word/Excel/PowerPoint, text and logs, zip/gz/7z/rar archives")
    held = (await session.execute(select(func.coalesce(func.sum(Attachment.size), 0)).where(
        Attachment.tenant_id == ticket.tenant_id, Attachment.ticket_id == ticket.id))).scalar_one()
    if held + len(data) > settings.attachment_ticket_max_bytes:
        raise PayloadTooLarge(f"ticket {ticket.number} holds {held:,} bytes of files; with this one "
                              f"it would pass its {settings.attachment_ticket_max_bytes:,}")
    digest = hashlib.sha256(data).hexdigest()
    await store.put(session, ticket.tenant_id, digest, data, kind.content_type)
    attachment = Attachment(tenant_id=ticket.tenant_id, ticket_id=ticket.id, comment_id=comment_id,
                            visibility=visibility, filename=name, content_type=kind.content_type,
                            size=len(data), sha256=digest, store=store.name, uploaded_by=actor)
    session.add(attachment)
    await session.flush()
    shown = name if visibility == "public" else "（内部附件）"
    repository.record(session, ticket, actor, "attached",
                      f"附件 {attachment.id}：{shown}（{kind.label}，{len(data):,} 字节）")
    await reindex(session, ticket.id)
    await session.refresh(attachment)
    return attachment
