"""A statement of account (对账单) for one tenant and period: what happened in the
period — invoices issued, payments received, damages incurred and deducted — and
where the contract stands at its end — what is due and unpaid, damages confirmed but
not yet kept back, the client's late-payment interest, and the net receivable.

    net receivable = Σ outstanding of the milestones due by the end
                     − confirmed damages not yet deducted at the end
                     + late-payment interest payable at the end (within its cap)

Balances are as of the end of the last day (Asia/Shanghai): a payment received, an
entry confirmed or deducted after it does not count yet. The damages listed are
those that *occurred* in the period, in their state today, so their sums are the
ledger's own sums over the same entries. Pure: the caller reads the rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from opspact.calendar import SHANGHAI

from billing import interest
from billing.models import LedgerEntry
from billing.receivables.models import Invoice, Payment
from billing.schedule import Due
from billing.terms import LateInterest

ZERO = Decimal("0.00")
STATES = ("proposed", "confirmed", "waived", "deducted")


@dataclass(frozen=True)
class MilestoneLine:
    code: str
    name: str
    amount: Decimal
    due_on: date | None
    due_in_period: bool
    invoiced: Decimal   # by the end, voided invoices not counted
    paid: Decimal       # by the end
    deducted: Decimal   # damages kept back by the end
    outstanding: Decimal  # amount − deducted − paid, counted as receivable when due by the end


@dataclass(frozen=True)
class DamageLine:
    key: str
    rule: str
    clause: str
    occurred_on: date
    computation: str
    amount: Decimal  # counted (after any cap)
    state: str
    deducted_from: str | None


@dataclass
class Totals:
    invoiced: Decimal = ZERO          # issued in the period
    received: Decimal = ZERO          # received in the period
    damages: dict[str, Decimal] = field(default_factory=lambda: {s: ZERO for s in STATES})
    deducted_in_period: Decimal = ZERO
    receivable_due: Decimal = ZERO
    damages_pending: Decimal = ZERO   # confirmed by the end, not deducted by then
    interest: Decimal = ZERO
    net_receivable: Decimal = ZERO


@dataclass
class Statement:
    start: date
    end: date
    milestones: list[MilestoneLine]
    invoices: list[Invoice]
    payments: list[Payment]
    damages: list[DamageLine]
    interest: interest.Interest | None
    totals: Totals


def end_of(day: date) -> datetime:
    """The first instant after `day` in Shanghai."""
    return datetime.combine(day + timedelta(days=1), time(), SHANGHAI)


def local_day(instant: datetime) -> date:
    return instant.astimezone(SHANGHAI).date()


def _sum(amounts: Iterable[Decimal]) -> Decimal:
    return sum(amounts, ZERO)


def compose(dues: list[Due], invoices: list[Invoice], payments: list[Payment],
            entries: list[LedgerEntry], start: date, end: date, value: Decimal,
            late_terms: LateInterest | None = None, effective_on: date | None = None) -> Statement:
    if end < start:
        raise ValueError("the period ends before it starts")
    cutoff = end_of(end)

    def within(day: date) -> bool:
        return start <= day <= end

    def deducted_by_end(e: LedgerEntry) -> bool:
        return e.state == "deducted" and e.deducted_at is not None and e.deducted_at < cutoff

    lines = []
    for due in dues:
        code = due.milestone.code
        invoiced = _sum(i.amount for i in invoices
                        if i.milestone == code and i.voided_at is None and i.issued_on <= end)
        paid = _sum(p.amount for p in payments if p.milestone == code and p.received_on <= end)
        deducted = _sum(e.counted_amount for e in entries if e.deducted_from == code and deducted_by_end(e))
        lines.append(MilestoneLine(
            code, due.milestone.name, due.amount, due.due_on,
            due.due_on is not None and within(due.due_on), invoiced, paid, deducted,
            due.amount - deducted - paid))

    issued = [i for i in invoices if within(i.issued_on)]
    received = [p for p in payments if within(p.received_on)]
    occurred = sorted((e for e in entries if within(local_day(e.occurred_at))),
                      key=lambda e: (e.occurred_at, e.key))
    damages = [DamageLine(e.key, e.rule, e.clause, local_day(e.occurred_at), e.computation,
                          e.counted_amount, e.state, e.deducted_from) for e in occurred]

    totals = Totals()
    totals.invoiced = _sum(i.amount for i in issued if i.voided_at is None)
    totals.received = _sum(p.amount for p in received)
    for line in damages:
        totals.damages[line.state] += line.amount
    totals.deducted_in_period = _sum(e.counted_amount for e in entries if deducted_by_end(e)
                                     and within(local_day(e.deducted_at)))
    totals.receivable_due = _sum(m.outstanding for m in lines
                                 if m.due_on is not None and m.due_on <= end)
    totals.damages_pending = _sum(
        e.counted_amount for e in entries
        if e.state in ("confirmed", "deducted") and e.decided_at is not None
        and e.decided_at < cutoff and not deducted_by_end(e))

    accrued = None
    if late_terms is not None:
        owed = [interest.Owed(m.code, m.name, m.amount - m.deducted, m.due_on,
                              tuple((p.received_on, p.amount) for p in payments
                                    if p.milestone == m.code and p.received_on <= end))
                for m in lines if m.due_on is not None]
        accrued = interest.accrue(late_terms, value, owed, end, effective_on)
        totals.interest = accrued.payable
    totals.net_receivable = totals.receivable_due - totals.damages_pending + totals.interest
    return Statement(start, end, lines, sorted(issued, key=lambda i: (i.issued_on, i.number)),
                     sorted(received, key=lambda p: (p.received_on, p.reference)), damages, accrued,
                     totals)
