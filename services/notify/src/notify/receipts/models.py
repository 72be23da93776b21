from datetime import datetime
from uuid import UUID

from sqlalchemy import BigInteger, Boolean, DateTime, Index, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from notify.tables import Base


class DeliveryReceipt(Base):
    """One report of a provider about one message, as it came (kept for the record, and
    until it matches: a report may arrive before our send's answer is stored)."""

    __tablename__ = "delivery_receipts"
    __table_args__ = (
        # Providers push a report again when our answer was lost: one row per report.
        Index("delivery_receipts_once", "tenant_id", "provider", "provider_message_id", "delivered",
              "code", unique=True),
        Index("delivery_receipts_pending", "tenant_id", "state", "received_at"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = mapped_column(String(32))
    provider: Mapped[str] = mapped_column(String(32))
    provider_message_id: Mapped[str] = mapped_column(String(128))
    out_id: Mapped[str | None] = mapped_column(String(64))  # our notification id, when echoed
    recipient: Mapped[str | None] = mapped_column(String(32))
    delivered: Mapped[bool] = mapped_column(Boolean)
    code: Mapped[str] = mapped_column(String(64), default="")
    description: Mapped[str | None] = mapped_column(Text)
    reported_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    # pending (no message matches yet) | applied | ignored (nothing to change) | unmatched
    state: Mapped[str] = mapped_column(String(16), default="pending")
    notification_id: Mapped[UUID | None] = mapped_column()
    note: Mapped[str | None] = mapped_column(Text)
