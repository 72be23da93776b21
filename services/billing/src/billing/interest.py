"""The client's late-payment interest (逾期付款违约金 / 利息), per the contract's clause.

A milestone is late from the day after its due date; each day counts while any of it is
unpaid, on what is unpaid that day. The day a payment is received still counts as late
for that payment (逾期天数 = 付款日 − 应付款日, as courts count it): paid the day after
the due date is one day late. The bases:
- `value_per_day` (xinxiang): rate % of the contract value per late day;
- `overdue_per_day` (zhuhai): rate % of the unpaid amount per late day;
- `lpr` (beijing, wuqia): the one-year LPR in force on the effective date (or `lpr_on`),
  a yearly rate, on the unpaid amount per late day, by the day count stated (act/365:
  a day is 1/365 of the year whatever the year; act/360: 1/360).
Exact sums, rounded half-up to the fen once per milestone. The cap (% of the contract
value) bounds the total over all milestones, taken in due-date order."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from billing.lpr import Lpr, one_year_on
from billing.money import HUNDRED, fen, figures, percent_of
from billing.terms import LateInterest

YEAR_DAYS = {"act/365": Decimal(365), "act/360": Decimal(360)}


@dataclass(frozen=True)
class Owed:
    code: str
    name: str
    amount: Decimal
    due_on: date
    payments: tuple[tuple[date, Decimal], ...] = ()  # (received_on, amount)


@dataclass
class Accrual:
    code: str
    name: str
    due_on: date
    days_late: int
    unpaid: Decimal  # as of the statement date
    amount: Decimal
    steps: list[str] = field(default_factory=list)  # the computation, one line per stretch


@dataclass
class Interest:
    as_of: date
    accruals: list[Accrual]
    total: Decimal
    cap: Decimal | None
    payable: Decimal  # the total within the cap
    lpr: Lpr | None = None


def stretches(owed: Owed, as_of: date) -> list[tuple[date, date, Decimal]]:
    """(first late day, day after the last, unpaid) for each stretch with something unpaid."""
    unpaid = owed.amount - sum((a for on, a in owed.payments if on <= owed.due_on), Decimal(0))
    start, out = owed.due_on + timedelta(days=1), []
    for on, paid in sorted(p for p in owed.payments if p[0] > owed.due_on):
        end = min(on, as_of) + timedelta(days=1)
        if unpaid > 0 and end > start:
            out.append((start, end, unpaid))
        start, unpaid = max(start, on + timedelta(days=1)), unpaid - paid
    end = as_of + timedelta(days=1)
    if unpaid > 0 and end > start:
        out.append((start, end, unpaid))
    return out


class NoRate(ValueError):
    """The LPR basis without a rate to apply: no effective date, or one before the LPR."""


def accrue(terms: LateInterest, value: Decimal, owed: list[Owed], as_of: date,
           effective_on: date | None) -> Interest:
    if terms.basis == "lpr" and effective_on is None:
        raise NoRate("the LPR basis needs the contract's effective date")
    try:
        lpr = one_year_on(effective_on) if terms.basis == "lpr" else None
    except ValueError as exc:  # a date before the LPR was first published
        raise NoRate(f"no one-year LPR on the contract's effective date: {exc}") from None
    accruals = []
    for item in sorted(owed, key=lambda o: (o.due_on, o.code)):
        parts = stretches(item, as_of)
        if not parts:
            continue
        exact, steps = Decimal(0), []
        for start, end, unpaid in parts:
            days = (end - start).days
            if terms.basis == "value_per_day":
                exact += value * terms.rate * days / HUNDRED
                steps.append(f"合同总价{figures(value)} × {terms.rate}% × {days}天（{start}起）")
            elif terms.basis == "overdue_per_day":
                exact += unpaid * terms.rate * days / HUNDRED
                steps.append(f"逾期款{figures(unpaid)} × {terms.rate}% × {days}天（{start}起）")
            else:
                exact += unpaid * lpr.rate * days / HUNDRED / YEAR_DAYS[terms.day_count]
                steps.append(f"逾期款{figures(unpaid)} × LPR {lpr.rate}% × {days}/"
                             f"{YEAR_DAYS[terms.day_count]}（{start}起）")
        last_unpaid = parts[-1][2] if parts[-1][1] > as_of else Decimal(0)
        accruals.append(Accrual(item.code, item.name, item.due_on,
                                sum((e - s).days for s, e, _ in parts), fen(last_unpaid), fen(exact),
                                steps))
    total = sum((a.amount for a in accruals), Decimal(0))
    cap = percent_of(value, terms.cap) if terms.cap is not None else None
    return Interest(as_of, accruals, fen(total), cap,
                    fen(min(total, cap) if cap is not None else total), lpr)
