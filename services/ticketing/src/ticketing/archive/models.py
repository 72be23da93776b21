from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Date,
    DateTime,
    ForeignKey,
    Identity,
    Integer,
    LargeBinary,
    String,
    Text,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from ticketing.tables import Base


class ArchivedReport(Base):
    """One published version of a periodic report. A period is published once; publishing
    it again (data corrected afterwards) adds a version, the earlier ones stay as they were
    sent. `reason` says why a later version was made."""

    __tablename__ = "report_archives"

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(16))
    period: Mapped[str] = mapped_column(String(10))
    version: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(300))
    first_day: Mapped[date] = mapped_column(Date)
    last_day: Mapped[date] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(Text)
    published_by: Mapped[str] = mapped_column(String(100))
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class ArchivedFile(Base):
    """A rendering of an archived report (docx, pdf), byte for byte as published."""

    __tablename__ = "report_files"

    archive_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("ticketing.report_archives.id",
                                                                        ondelete="CASCADE"), primary_key=True)
    format: Mapped[str] = mapped_column(String(8), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(String(32))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary)


@dataclass(frozen=True)
class FileInfo:
    """A file as listings and events show it: without its content."""
    format: str
    sha256: str
    size: int
