from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import BigInteger, Date, DateTime, Identity, Integer, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from billing.models import MONEY
from billing.tables import Base


class Repair(Base):
    """One repair as recorded (维修记录), and who bears its cost under the clause in force
    when it was recorded."""

    __tablename__ = "repairs"

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(String(32))
    reference: Mapped[str] = mapped_column(String(64))  # the repair record's number, once per tenant
    asset_code: Mapped[str] = mapped_column(String(64))
    parts: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16))  # parts | consumables | manufacturer
    amount: Mapped[Decimal] = mapped_column(MONEY)
    repaired_on: Mapped[date] = mapped_column(Date)
    contract_year: Mapped[int] = mapped_column(Integer)
    ticket_number: Mapped[str | None] = mapped_column(String(32))
    borne_by: Mapped[str] = mapped_column(String(8))  # vendor | client
    clause: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
