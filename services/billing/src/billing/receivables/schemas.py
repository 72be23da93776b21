from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import Enum

from opspact.types import IsoDate, Stripped
from pydantic import BaseModel, ConfigDict, Field

from billing.schemas import Amount

MONEY_FIELD = {"gt": 0, "max_digits": 14, "decimal_places": 2}


class InvoiceKind(str, Enum):
    vat_special = "vat_special"  # 增值税专用发票
    vat_normal = "vat_normal"    # 增值税普通发票


class InvoiceIn(Stripped):
    model_config = ConfigDict(extra="forbid")
    milestone: str = Field(min_length=1, max_length=32)
    number: str = Field(pattern=r"^[0-9A-Za-z-]{8,32}$", description="发票号码")
    kind: InvoiceKind
    amount: Decimal = Field(**MONEY_FIELD)
    issued_on: IsoDate


class VoidIn(Stripped):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(min_length=1, max_length=1000)


class PaymentIn(Stripped):
    model_config = ConfigDict(extra="forbid")
    milestone: str = Field(min_length=1, max_length=32)
    amount: Decimal = Field(**MONEY_FIELD)
    received_on: IsoDate
    reference: str = Field(min_length=1, max_length=64, description="bank or treasury reference")


class DeductionIn(Stripped):
    """Keep a confirmed damages entry back from a milestone's payment."""
    model_config = ConfigDict(extra="forbid")
    milestone: str = Field(min_length=1, max_length=32)
    reason: str | None = Field(default=None, max_length=1000, description="e.g. 付款通知书编号")


class InvoiceOut(BaseModel):
    id: int
    milestone: str
    number: str
    kind: InvoiceKind
    amount: Amount
    issued_on: date
    recorded_by: str
    recorded_at: datetime
    voided_at: datetime | None
    void_reason: str | None


class PaymentOut(BaseModel):
    id: int
    milestone: str
    amount: Amount
    received_on: date
    reference: str
    recorded_by: str
    recorded_at: datetime


class ReceivableOut(BaseModel):
    milestone: str
    name: str
    amount: Amount
    invoiced: Amount
    paid: Amount
    deducted: Amount
    outstanding: Amount
    due_on: date | None
    days_past_due: int
    bucket: str = Field(description="not_due | 1-30 | 31-90 | 91-180 | 181+")


class ReceivablesOut(BaseModel):
    as_of: date
    items: list[ReceivableOut]
    outstanding: Amount
    by_bucket: dict[str, Amount]


class LprOut(BaseModel):
    rate: str = Field(description="% a year, the one-year LPR in force on `on`")
    on: date
    announced_on: date
    source: str
    note: str | None = Field(description="set when `on` is past the last announcement checked")


class AccrualOut(BaseModel):
    milestone: str
    name: str
    due_on: date
    days_late: int
    unpaid: Amount = Field(description="still unpaid on the statement date")
    amount: Amount
    computation: list[str] = Field(description="one line per stretch of unpaid days")


class LateInterestOut(BaseModel):
    as_of: date
    basis: str
    day_count: str | None = Field(description="act/365 | act/360, for the LPR basis only")
    clause: str
    lpr: LprOut | None
    items: list[AccrualOut]
    total: Amount = Field(description="before the cap")
    cap: Amount | None
    payable: Amount = Field(description="within the cap")
    capped: bool = Field(description="the cap is reached: nothing more accrues")
