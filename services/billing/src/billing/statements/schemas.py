"""The statement as JSON: every amount with its figures and 大写."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from billing.receivables.schemas import InvoiceOut, LateInterestOut, PaymentOut
from billing.repairs.schemas import RepairOut
from billing.schemas import Amount


class StatementMilestone(BaseModel):
    code: str
    name: str
    amount: Amount
    due_on: date | None
    due_in_period: bool
    invoiced: Amount
    paid: Amount
    deducted: Amount
    outstanding: Amount


class StatementDamage(BaseModel):
    key: str
    rule: str
    clause: str
    occurred_on: date
    computation: str
    amount: Amount = Field(description="counted, after any cap")
    state: str
    deducted_from: str | None


class StatementTotals(BaseModel):
    invoiced: Amount = Field(description="issued in the period, voided ones not counted")
    received: Amount = Field(description="received in the period")
    damages: dict[str, Amount] = Field(description="damages that occurred in the period, by state")
    deducted_in_period: Amount
    receivable_due: Amount = Field(description="outstanding on milestones due by the end")
    damages_pending: Amount = Field(description="confirmed by the end, not yet deducted")
    interest: Amount = Field(description="late-payment interest payable at the end")
    net_receivable: Amount = Field(description="receivable_due − damages_pending + interest")
    repairs: dict[str, Amount] = Field(
        default_factory=dict, description="repairs done in the period, by who bears them (vendor, client)")


class StatementOut(BaseModel):
    tenant: str
    title: str
    contract_value: Amount
    start: date
    end: date
    generated_at: datetime
    milestones: list[StatementMilestone]
    invoices: list[InvoiceOut]
    payments: list[PaymentOut]
    damages: list[StatementDamage]
    late_interest: LateInterestOut | None
    repairs: list[RepairOut] = Field(default_factory=list, description="done in the period")
    totals: StatementTotals
