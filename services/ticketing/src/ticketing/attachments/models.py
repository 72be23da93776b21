import uuid
from datetime import datetime

from sqlalchemy import BigInteger, DateTime, ForeignKey, Identity, Index, LargeBinary, String, func
from sqlalchemy.orm import Mapped, mapped_column

from ticketing.tables import Base


class Attachment(Base):
    __tablename__ = "ticket_attachments"
    __table_args__ = (Index("ticket_attachments_ticket", "tenant_id", "ticket_id", "id"),)

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(String(32))
    ticket_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("ticketing.tickets.id", ondelete="CASCADE"))
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("ticketing.ticket_comments.id"))
    visibility: Mapped[str] = mapped_column(String(8))  # internal | public
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(128))  # from the bytes, not the client
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    store: Mapped[str] = mapped_column(String(16))  # postgres | s3: where its bytes are
    uploaded_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Blob(Base):
    """File contents kept in PostgreSQL (the default store), one per tenant and SHA-256:
    the same screenshot attached twice is stored once."""

    __tablename__ = "attachment_blobs"

    tenant_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
