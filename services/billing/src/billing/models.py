from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, Date, DateTime, Integer, Numeric, String, Text, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from billing.tables import Base

MONEY = Numeric(14, 2)


class ContractDate(Base):
    """A date the contract hangs payments or damages on, recorded when it happens."""
    __tablename__ = "contract_dates"

    tenant_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    on: Mapped[date] = mapped_column(Date)
    evidence: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class DamageInput(Base):
    __tablename__ = "damage_inputs"

    tenant_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    type: Mapped[str] = mapped_column(String(128))
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    data: Mapped[dict] = mapped_column(JSONB)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class LedgerEntry(Base):
    __tablename__ = "ledger_entries"

    tenant_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    rule: Mapped[str] = mapped_column(String(48))
    clause: Mapped[str] = mapped_column(Text)
    event_ids: Mapped[list] = mapped_column(JSONB)
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    computation: Mapped[str] = mapped_column(Text)
    amount: Mapped[Decimal] = mapped_column(MONEY)
    counted_amount: Mapped[Decimal] = mapped_column(MONEY)
    days: Mapped[int | None] = mapped_column(Integer)
    accruing: Mapped[bool] = mapped_column(Boolean, server_default="false")
    termination_right: Mapped[str | None] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16), server_default="proposed")
    decided_by: Mapped[str | None] = mapped_column(String(200))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reason: Mapped[str | None] = mapped_column(Text)
    deducted_from: Mapped[str | None] = mapped_column(String(32))  # the milestone's code
    deducted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    deducted_by: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class MilestoneNotice(Base):
    """That a milestone was announced due / overdue for a due date (once each)."""
    __tablename__ = "milestone_notices"

    tenant_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    milestone: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    due_on: Mapped[date] = mapped_column(Date, primary_key=True)
    announced_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
