"""Billing's request and response shapes. Amounts go out as strings of the exact
Decimal ("7700.00"), with the figures and the Chinese capitals beside them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from opspact.types import IsoDate, IsoInstant, Stripped
from pydantic import BaseModel, ConfigDict, Field, StrictBool, model_validator

from billing.money import capitals, figures

CODE = r"^[a-z0-9][a-z0-9-]{0,47}$"


class Amount(BaseModel):
    value: str = Field(description="exact, two decimals")
    figures: str
    capitals: str

    @classmethod
    def of(cls, amount: Decimal) -> Amount:
        return cls(value=f"{amount:.2f}", figures=figures(amount), capitals=capitals(amount))


class MilestoneOut(BaseModel):
    code: str
    name: str
    amount: Amount
    percent_of_value: str
    clause: str
    after: list[str]
    within: str
    trigger_on: date | None
    payable_from: date | None
    due_on: date | None = Field(description="when the client is late after: none while it "
                                            "waits for a date or for the invoice put first")
    contract_due_on: date | None = Field(description="the date by the contract's trigger alone")
    waiting_for: list[str]
    invoice_first: bool
    status: Literal["waiting", "not_yet_payable", "invoice_needed", "payable", "past_due", "paid"] = \
        Field(description="invoice_needed: payable once the invoice the contract puts first is issued")
    note: str | None
    invoiced: Amount
    paid: Amount
    deducted: Amount = Field(description="confirmed damages kept back from this milestone")
    net_payable: Amount = Field(description="amount less deducted damages")
    outstanding: Amount = Field(description="net payable less paid")


class LineItemOut(BaseModel):
    name: str
    wan: str
    amount: Amount


class LineGroupOut(BaseModel):
    name: str
    wan: str
    amount: Amount
    items: list[LineItemOut]


class ContractOut(BaseModel):
    tenant: str
    title: str
    value: Amount
    signed_on: date | None
    term: dict[str, Any]
    recorded_dates: dict[str, date]
    milestones: list[MilestoneOut]
    damages_rules: list[dict[str, Any]]
    damages_cap: Amount | None
    line_items: list[LineGroupOut] = Field(default_factory=list, description="报价清单, 万元 as printed")
    repair_split: dict[str, Any] | None = None
    late_interest: dict[str, Any] | None = None
    effective_on: date | None = None
    inconsistencies: list[str]


class ContractDateIn(Stripped):
    model_config = ConfigDict(extra="forbid")
    on: IsoDate
    evidence: str = Field(min_length=1, max_length=500, description="e.g. 验收报告编号")


class ContractDateOut(BaseModel):
    kind: str
    on: date
    evidence: str
    recorded_by: str
    recorded_at: datetime


class ViolationIn(Stripped):
    """A breach a person records (a major outage, missing records, late delivery…)."""
    model_config = ConfigDict(extra="forbid")
    rule: str = Field(pattern=CODE)
    occurred_at: IsoInstant
    note: str = Field(min_length=1, max_length=2000)
    item: str | None = Field(default=None, max_length=100,
                             description="what was late (per-day rules); a later record "
                                         "about the same item completes it")
    part_value: Decimal | None = Field(default=None, gt=0, max_digits=14, decimal_places=2)
    due_at: IsoInstant | None = None
    done_at: IsoInstant | None = None
    days_late: int | None = Field(default=None, ge=0, le=3650)
    ticket_id: str | None = Field(default=None, min_length=1, max_length=64, description=(
        "the fault it is about: rules counted once per ticket count it with its SLA breach"))
    serious: bool = Field(default=False, description=(
        "造成严重后果: escalates at once where the rule's clause says so (xinjiang 8.2)"))

    @model_validator(mode="after")
    def _times(self) -> ViolationIn:
        if self.due_at and self.done_at and self.done_at < self.due_at:
            raise ValueError("done_at is before due_at")
        return self


class AssessmentIn(Stripped):
    """One assessment period's result (xinjiang: the MPS traffic bureau's indicators)."""
    model_config = ConfigDict(extra="forbid")
    period: str = Field(min_length=1, max_length=50, description="e.g. 2025-Q1, 2025-03")
    passed: StrictBool  # 0/1 would be a guess at what the user meant
    occurred_at: IsoInstant
    note: str | None = Field(default=None, max_length=2000)


class RecordedOut(BaseModel):
    event_id: str
    type: str
    ledger: list[LedgerEntryOut]


class LedgerEntryOut(BaseModel):
    key: str
    rule: str
    clause: str
    event_ids: list[str]
    occurred_at: datetime
    computation: str
    amount: Amount
    counted_amount: Amount
    days: int | None
    accruing: bool
    termination_right: str | None
    state: str
    decided_by: str | None = None
    decided_at: datetime | None = None
    reason: str | None = None
    deducted_from: str | None = Field(default=None, description="the milestone it was kept back from")
    deducted_at: datetime | None = None
    deducted_by: str | None = None


class LedgerPage(BaseModel):
    items: list[LedgerEntryOut]
    total: int
    limit: int
    offset: int
    totals: dict[str, Amount] = Field(description="counted amounts by state")


class Decision(Stripped):
    model_config = ConfigDict(extra="forbid")
    reason: str | None = Field(default=None, max_length=1000)


class Waiver(Stripped):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(min_length=1, max_length=1000)


class SimulatedEvent(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(min_length=1, max_length=64)
    type: str = Field(min_length=1, max_length=128)
    time: IsoInstant
    data: dict[str, Any] = Field(default_factory=dict)


class SimulationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    events: list[SimulatedEvent] = Field(max_length=5000)
    with_recorded: StrictBool = Field(default=True, description="on top of what is already recorded")
    as_of: IsoInstant | None = None


class SimulatedEntry(LedgerEntryOut):
    new: bool = Field(description="caused by the simulated events")
    running_total: Amount
    cap_reached: bool


class SimulationOut(BaseModel):
    entries: list[SimulatedEntry]
    total: Amount
    added_by_simulation: Amount
    cap: Amount | None
    cap_reached: bool
    termination_rights: list[str]
    ignored_events: list[str] = Field(description="events no rule counts")
