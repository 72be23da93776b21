import uuid
from datetime import datetime

from sqlalchemy import BigInteger, DateTime, ForeignKey, Identity, Integer, LargeBinary, String, Text, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column
from ticketing.tables import Base


class InspectionRound(Base):
    """A round that was recorded or announced as missed; planned rounds have no row.
    `results`: [{item, name, status: ok|anomaly, note, ticket_id}] in checklist order."""

    __tablename__ = "inspection_rounds"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    tenant_id: Mapped[str] = mapped_column(String(32))
    schedule: Mapped[str] = mapped_column(String(32))
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    deadline: Mapped[datetime] = mapped_column(DateTime(timezone=True))  # due + grace
    heightened: Mapped[str | None] = mapped_column(String(120))
    inspector: Mapped[str | None] = mapped_column(String(100))
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    recorded_by: Mapped[str | None] = mapped_column(String(100))
    recorded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    results: Mapped[list] = mapped_column(JSONB, default=list)
    anomalies: Mapped[int] = mapped_column(Integer, default=0)
    missed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # when announced
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class InspectionEvidence(Base):
    """A photo, screenshot or PDF behind one item of a recorded round."""

    __tablename__ = "inspection_evidence"

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(String(32))
    round_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("ticketing.inspection_rounds.id", ondelete="CASCADE"))
    item: Mapped[str] = mapped_column(String(100))
    filename: Mapped[str | None] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_by: Mapped[str] = mapped_column(String(100))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    note: Mapped[str | None] = mapped_column(Text)
