from datetime import date, datetime

from sqlalchemy import BigInteger, Date, DateTime, Identity, Index, String, Text, func, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from inventory.tables import Base


class Training(Base):
    __tablename__ = "trainings"
    __table_args__ = (Index("trainings_held", "tenant_id", "kind", "held_on"),)

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(32))
    held_on: Mapped[date] = mapped_column(Date)
    topic: Mapped[str] = mapped_column(String(200))
    attendees: Mapped[list] = mapped_column(JSONB, server_default=text("'[]'::jsonb"))  # staff codes
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class TrainingNotice(Base):
    """A month announced as missing its training, once (the watch's mark)."""

    __tablename__ = "training_notices"

    tenant_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    month: Mapped[date] = mapped_column(Date, primary_key=True)  # its first day
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
