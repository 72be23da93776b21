from datetime import datetime

from sqlalchemy import BigInteger, DateTime, ForeignKey, Identity, Integer, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from ticketing.tables import Base


class Deliverable(Base):
    """A deliverable of one period (`period` 'once' for a one-off), made the first time it is
    announced or a version is uploaded; what it is and when it is due come from the tenant
    file, so a corrected file moves the date."""

    __tablename__ = "deliverables"

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(String(32))
    code: Mapped[str] = mapped_column(String(48))
    period: Mapped[str] = mapped_column(String(10))
    due_announced_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    overdue_announced_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class DeliverableVersion(Base):
    """An uploaded file, kept as uploaded (its bytes in the attachment store by SHA-256)."""

    __tablename__ = "deliverable_versions"

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(String(32))
    deliverable_id: Mapped[int] = mapped_column(ForeignKey("ticketing.deliverables.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(128))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    store: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
    submitted_by: Mapped[str] = mapped_column(String(100))
    submitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
