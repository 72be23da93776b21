"""When each milestone falls due: its trigger's dates, plus `within` (calendar days, or
working days on the shared calendar — 调休 Saturdays count, holidays do not).

A milestone whose trigger waits for a date nobody knows yet (acceptance not recorded,
the invoice not issued) has no due date; it says what it is waiting for.

A milestone whose contract puts the invoice before the payment (`invoice_first`: zhuhai
五3, beijing 三2(3), xinjiang's 专用发票) is not due before its invoice is issued: until
then it has no due date (so it is not overdue, accrues no interest and is not aged), and
once issued it is due on the contract's date or the invoice's, whichever is later — the
delay an invoice causes is the vendor's ("所有责任由乙方负责").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from opspact.calendar import WorkdayCalendar
from opspact.calendar.offsets import offset
from opspact.calendar.workdays import CalendarMissing

from billing.terms import BillingTerms, Milestone

ANCHOR_NAMES = {"signing": "合同签订", "effective": "合同生效", "term_start": "服务期开始",
                "term_end": "服务期满", "acceptance": "验收合格", "delivery": "交付",
                "budget_approval": "经费审批", "invoice": "开具发票"}


@dataclass
class Due:
    milestone: Milestone
    amount: Decimal
    trigger_on: date | None = None
    payable_from: date | None = None
    due_on: date | None = None
    contract_due_on: date | None = None  # by the trigger alone, before the invoice's say
    waiting_for: list[str] = field(default_factory=list)
    note: str | None = None


def contract_dates(document: dict[str, Any], terms: BillingTerms,
                   recorded: dict[str, date]) -> dict[str, date]:
    """The anchors known from the contract, overridden by what was recorded."""
    contract = document["contract"]
    term = contract.get("term", {})
    known: dict[str, date] = {}
    if contract.get("signed_on"):
        known["signing"] = date.fromisoformat(contract["signed_on"])
    if term.get("start"):
        known["term_start"] = date.fromisoformat(term["start"])
    if term.get("end"):
        known["term_end"] = date.fromisoformat(term["end"])
    effective = terms.effective_on or term.get("start")
    if effective:
        known["effective"] = date.fromisoformat(effective)
    return {**known, **recorded}


def schedule(terms: BillingTerms, document: dict[str, Any], recorded: dict[str, date] | None = None,
             invoices: dict[str, date] | None = None,
             calendar: WorkdayCalendar | None = None) -> list[Due]:
    """`recorded`: acceptance / delivery (or corrected) dates; `invoices`: milestone code →
    the date its invoice was issued."""
    value = Decimal(document["contract"]["value"])
    dates = contract_dates(document, terms, recorded or {})
    invoices = invoices or {}
    calendar = calendar or WorkdayCalendar()
    out = []
    for milestone in terms.milestones:
        due = Due(milestone=milestone, amount=milestone.amount_of(value))
        known = {**dates, **({"invoice": invoices[milestone.code]} if milestone.code in invoices else {})}
        due.waiting_for = [ANCHOR_NAMES[a] for a in milestone.trigger.after if a not in known]
        if not due.waiting_for:
            due.trigger_on = max(known[a] for a in milestone.trigger.after)
            due.payable_from = due.trigger_on - timedelta(days=milestone.trigger.opens_days_before)
            try:
                due.due_on = due.contract_due_on = offset(due.trigger_on, milestone.trigger.within,
                                                          calendar)
            except CalendarMissing as exc:
                due.note = f"{exc} — the working-day due date cannot be computed yet"
        if milestone.invoice_first:
            _invoice_first(due, invoices.get(milestone.code))
        out.append(due)
    return out


def _invoice_first(due: Due, invoiced_on: date | None) -> None:
    if invoiced_on is None:
        if due.due_on is not None:
            due.note = (f"合同约定 {due.due_on:%Y-%m-%d} 付款；发票开具前甲方付款不视为逾期")
        due.due_on = None
        if ANCHOR_NAMES["invoice"] not in due.waiting_for:  # a trigger may name it already
            due.waiting_for.append(ANCHOR_NAMES["invoice"])
    elif due.due_on is not None and invoiced_on > due.due_on:
        due.note = (f"合同约定 {due.due_on:%Y-%m-%d} 付款；发票 {invoiced_on:%Y-%m-%d} 开具，"
                    f"自开票日起计")
        due.due_on = invoiced_on
