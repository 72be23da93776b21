import uuid
from datetime import datetime, timedelta

from sqlalchemy import BigInteger, DateTime, ForeignKey, Identity, Integer, Interval, String, Text, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from ticketing.tables import Base


class SlaClock(Base):
    """One promise on one ticket: when it started, when it is due, how it ended."""

    __tablename__ = "ticket_sla_clocks"

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(String(32))
    ticket_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("ticketing.tickets.id", ondelete="CASCADE"))
    clock: Mapped[str] = mapped_column(String(32))
    policy: Mapped[str] = mapped_column(String(64))
    target: Mapped[str] = mapped_column(String(32))
    clause: Mapped[str] = mapped_column(Text)
    schedule: Mapped[str] = mapped_column(String(16))
    stops_at: Mapped[str] = mapped_column(String(32))
    state: Mapped[str] = mapped_column(String(16))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    warn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    missing_year: Mapped[int | None] = mapped_column(Integer)
    paused_total: Mapped[timedelta] = mapped_column(Interval, server_default=text("'0'"))
    paused_since: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Closed pauses as [from, to] ISO instants; paused_total is their wall-clock sum.
    pauses: Mapped[list] = mapped_column(JSONB, default=list, server_default=text("'[]'::jsonb"))
    stopped_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    warned_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    breached_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
