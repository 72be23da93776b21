import uuid
from datetime import datetime

from sqlalchemy import BigInteger, DateTime, ForeignKey, Identity, Index, Integer, String, Text, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from ticketing.tables import Base


class Comment(Base):
    __tablename__ = "ticket_comments"
    __table_args__ = (Index("ticket_comments_ticket", "tenant_id", "ticket_id", "id"),)

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(String(32))
    ticket_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("ticketing.tickets.id", ondelete="CASCADE"))
    author: Mapped[str] = mapped_column(String(100))
    visibility: Mapped[str] = mapped_column(String(8))  # internal | public
    body: Mapped[str] = mapped_column(Text)
    quoted: Mapped[str | None] = mapped_column(Text)  # a mail's quoted history and signature
    version: Mapped[int] = mapped_column(Integer, default=1)
    # [{version, body, by, at}] — the texts an edit replaced, oldest first
    earlier: Mapped[list] = mapped_column(JSONB, default=list)
    redacted_by: Mapped[str | None] = mapped_column(String(100))
    redacted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    redaction_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
