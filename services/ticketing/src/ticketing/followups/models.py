import uuid
from datetime import datetime

from sqlalchemy import BigInteger, DateTime, ForeignKey, Identity, SmallInteger, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from ticketing.tables import Base


class FollowUp(Base):
    """One follow-up of one resolution. The SMS link's token is kept only as its SHA-256:
    the database never holds a working link."""

    __tablename__ = "follow_ups"

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(String(32))
    ticket_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("ticketing.tickets.id", ondelete="CASCADE"))
    resolved_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    channel: Mapped[str] = mapped_column(String(8))  # sms | phone
    token_sha256: Mapped[str | None] = mapped_column(String(64))
    link_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    answered_via: Mapped[str | None] = mapped_column(String(8))  # link | phone
    score: Mapped[int | None] = mapped_column(SmallInteger)
    comment: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str | None] = mapped_column(String(100))
    complaint_ticket_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("ticketing.tickets.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
