import uuid
from datetime import datetime

from sqlalchemy import BigInteger, DateTime, Identity, Integer, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from ticketing.tables import Base


class WorklogEntry(Base):
    """One line of the work log (工作日志): who raised it, who handled it, how, and
    what the one who raised it said back."""

    __tablename__ = "worklog_entries"

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(String(32))
    category: Mapped[str] = mapped_column(String(32))
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    system_code: Mapped[str | None] = mapped_column(String(64))
    initiator: Mapped[str] = mapped_column(String(100))
    handler: Mapped[str] = mapped_column(String(100))
    handling: Mapped[str] = mapped_column(Text)
    feedback: Mapped[str | None] = mapped_column(Text)
    minutes_spent: Mapped[int] = mapped_column(Integer)
    ticket_id: Mapped[uuid.UUID | None] = mapped_column()
    change_id: Mapped[uuid.UUID | None] = mapped_column()  # the change this work implemented
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
