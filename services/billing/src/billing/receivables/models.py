from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import BigInteger, Date, DateTime, Identity, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from billing.models import MONEY
from billing.tables import Base


class Invoice(Base):
    """A VAT invoice (增值税专用/普通发票) issued against a payment milestone."""

    __tablename__ = "invoices"

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(String(32))
    milestone: Mapped[str] = mapped_column(String(32))
    number: Mapped[str] = mapped_column(String(32))  # 发票号码, unique per tenant
    kind: Mapped[str] = mapped_column(String(16))    # vat_special | vat_normal
    amount: Mapped[Decimal] = mapped_column(MONEY)
    issued_on: Mapped[date] = mapped_column(Date)
    recorded_by: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    voided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    void_reason: Mapped[str | None] = mapped_column(Text)


class Payment(Base):
    """Money received against a milestone; several partial payments may settle one."""

    __tablename__ = "payments"

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(String(32))
    milestone: Mapped[str] = mapped_column(String(32))
    amount: Mapped[Decimal] = mapped_column(MONEY)
    received_on: Mapped[date] = mapped_column(Date)
    reference: Mapped[str] = mapped_column(String(64))  # the bank's or treasury's reference
    recorded_by: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
