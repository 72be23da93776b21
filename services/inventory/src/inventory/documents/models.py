from datetime import date, datetime

from sqlalchemy import BigInteger, Date, DateTime, Identity, Integer, LargeBinary, String, func
from sqlalchemy.orm import Mapped, deferred, mapped_column

from inventory.tables import Base


class StaffDocument(Base):
    """A scan as uploaded; a later one of the same kind replaces it as the current, the
    earlier ones stay."""

    __tablename__ = "staff_documents"

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(String(32))
    staff: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(32))
    signed_on: Mapped[date] = mapped_column(Date)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(128))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary))  # listings never read the bytes
    uploaded_by: Mapped[str] = mapped_column(String(100))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
