from datetime import datetime

from sqlalchemy import BigInteger, DateTime, Identity, Index, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from inventory.tables import Base


class Attendance(Base):
    """One stretch at work: checked in, and (once done) checked out."""

    __tablename__ = "attendance"
    __table_args__ = (
        # one open stretch per person: a second check-in before a check-out is refused
        Index("attendance_open", "tenant_id", "staff", unique=True,
              postgresql_where="check_out_at IS NULL"),
        # an imported record is the same record when imported again
        Index("attendance_staff_in", "tenant_id", "staff", "check_in_at", unique=True),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(String(32))
    staff: Mapped[str] = mapped_column(String(64))
    check_in_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    check_out_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    source: Mapped[str] = mapped_column(String(16))  # self | manager | import
    recorded_by: Mapped[str] = mapped_column(String(100))
    note: Mapped[str] = mapped_column(Text, default="")


class MissedCheckInNotice(Base):
    """A shift announced as not checked into, once (the watch's mark)."""

    __tablename__ = "attendance_notices"

    tenant_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    shift_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
