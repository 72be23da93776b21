from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from opspact.types import IsoDate, Stripped
from pydantic import BaseModel, ConfigDict, Field

from billing.receivables.schemas import MONEY_FIELD
from billing.repairs.split import RepairKind
from billing.schemas import Amount

Party = Literal["vendor", "client"]


class RepairIn(Stripped):
    """One repair (维修记录): which asset, what was replaced, what it cost."""
    model_config = ConfigDict(extra="forbid")
    reference: str = Field(min_length=1, max_length=64, pattern=r"^[0-9A-Za-z][0-9A-Za-z_./-]*$",
                           description="the repair record's number: the same one again is the same repair")
    asset_code: str = Field(min_length=1, max_length=64, description="the asset in the register")
    parts: str = Field(min_length=1, max_length=500, description="配件、设备 replaced, or the work done")
    kind: RepairKind = Field(default="parts", description=(
        "parts: 更换配件、设备 (split by amount); consumables: 低值耗材; manufacturer: 原厂上门维修、升级"))
    amount: Decimal = Field(**MONEY_FIELD, description="the cost of this one repair, in yuan")
    repaired_on: IsoDate
    ticket_number: str | None = Field(default=None, max_length=32, pattern=r"^[A-Z]\d{4}-\d{6}$|^[A-Z]\d{7}$",
                                      description="the ticket it fixed, e.g. T2026-000123")
    note: str | None = Field(default=None, max_length=2000)


class RepairOut(BaseModel):
    id: int
    reference: str
    asset_code: str
    parts: str
    kind: str
    amount: Amount
    repaired_on: date
    contract_year: int = Field(description="1 for the year from the term's start, …")
    ticket_number: str | None
    borne_by: Party
    clause: str
    reason: str
    note: str | None
    recorded_by: str
    recorded_at: datetime


class YearTotals(BaseModel):
    contract_year: int
    vendor: Amount
    client: Amount
    repairs: int


class RepairPage(BaseModel):
    items: list[RepairOut]
    total: int
    limit: int
    offset: int
    by_year: list[YearTotals] = Field(description="every contract year with repairs, all filters but paging")


class SplitOut(BaseModel):
    kind: str
    amount: Amount
    borne_by: Party
    clause: str
    reason: str
