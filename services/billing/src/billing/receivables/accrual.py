"""The client's late-payment interest as of a day, from what is recorded: the milestones'
due dates, their net payable (deducted damages are not owed, so bear no interest) and
the payments received by that day."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from opspact.errors import Conflict
from sqlalchemy.ext.asyncio import AsyncSession

from billing import interest, lpr
from billing.contract_endpoints import milestones_of, recorded_dates
from billing.ledger.service import Contract
from billing.receivables import service
from billing.receivables.schemas import AccrualOut, LateInterestOut, LprOut
from billing.schedule import contract_dates
from billing.schemas import Amount
from billing.terms import LateInterest


async def late_interest(session: AsyncSession, c: Contract, tenant_id: str,
                        day: date) -> interest.Interest | None:
    """None when the contract has no late-payment clause."""
    terms = c.terms.late_interest
    if terms is None:
        return None
    dates = await recorded_dates(session, tenant_id)
    paid: dict[str, list] = {}
    for p in await service.payments(session, tenant_id, None):
        if p.received_on <= day:
            paid.setdefault(p.milestone, []).append((p.received_on, p.amount))
    owed = [interest.Owed(m.code, m.name, Decimal(m.net_payable.value), m.due_on,
                          tuple(paid.get(m.code, ())))
            for m in await milestones_of(session, tenant_id, c, dates) if m.due_on is not None]
    known = contract_dates(c.document, c.terms, dates)
    return accrue_or_conflict(terms, c.value, owed, day, known.get("effective") or known.get("signing"))


def accrue_or_conflict(*args) -> interest.Interest:
    """interest.accrue; a contract without a rate to apply is a 409 saying why, not a 500."""
    try:
        return interest.accrue(*args)
    except interest.NoRate as exc:
        raise Conflict(f"late-payment interest cannot be computed: {exc}") from None


def as_out(result: interest.Interest, terms: LateInterest) -> LateInterestOut:
    rate = result.lpr
    return LateInterestOut(
        as_of=result.as_of, basis=terms.basis, clause=terms.clause,
        # a day count means something only for a yearly rate (the per-day bases have none)
        day_count=terms.day_count if terms.basis == "lpr" else None,
        lpr=LprOut(rate=f"{rate.rate}", on=rate.on, announced_on=rate.announced_on,
                   source=lpr.SOURCE, note=rate.note) if rate else None,
        items=[AccrualOut(milestone=a.code, name=a.name, due_on=a.due_on, days_late=a.days_late,
                          unpaid=Amount.of(a.unpaid), amount=Amount.of(a.amount), computation=a.steps)
               for a in result.accruals],
        total=Amount.of(result.total), cap=Amount.of(result.cap) if result.cap is not None else None,
        payable=Amount.of(result.payable), capped=result.cap is not None and result.total >= result.cap)
