import uuid
from datetime import datetime

from sqlalchemy import BigInteger, DateTime, ForeignKey, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from ticketing.tables import Base


class MailMessage(Base):
    """A mail taken in (`in`) or sent back (`out`), once per Message-ID: the same mail
    delivered twice is one ticket, and a reply's In-Reply-To finds its ticket here."""

    __tablename__ = "mail_messages"

    tenant_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    message_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    direction: Mapped[str] = mapped_column(String(3))
    ticket_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("ticketing.tickets.id", ondelete="CASCADE"))
    comment_id: Mapped[int | None] = mapped_column(BigInteger)
    sender: Mapped[str] = mapped_column(String(255))
    subject: Mapped[str] = mapped_column(Text, default="")
    # created | commented | reopened | ignored (auto-reply, bounce) | sent (ours)
    outcome: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
