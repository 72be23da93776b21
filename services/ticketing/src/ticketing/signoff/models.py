from datetime import datetime

from sqlalchemy import BigInteger, DateTime, Identity, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from ticketing.tables import Base


class SignOff(Base):
    """One decision on one thing handed over, made once: a later version of a deliverable
    (or of a report) is a new subject and needs its own."""

    __tablename__ = "signoffs"

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str] = mapped_column(String(16))  # deliverable (a version) | report (an archive row)
    subject_id: Mapped[int] = mapped_column(BigInteger)
    part: Mapped[str | None] = mapped_column(String(8))
    sha256: Mapped[str] = mapped_column(String(64))
    decision: Mapped[str] = mapped_column(String(8))  # accepted | rejected
    comment: Mapped[str | None] = mapped_column(Text)
    signed_by: Mapped[str] = mapped_column(String(100))
    method: Mapped[str] = mapped_column(String(8))  # token | pki (数字证书)
    signed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
