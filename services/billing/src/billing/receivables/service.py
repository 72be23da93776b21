"""Invoices and payments against the milestones: what each milestone has had
invoiced and paid, the rules that keep those honest, and receivables aging.

- An invoice never takes a milestone past its amount; voiding one keeps the row.
- A payment never takes a milestone past its amount; where the contract wants the
  invoice first (xinjiang's 专用发票), never past what is invoiced.
- A payment's reference is its identity: the same slip entered again answers with
  the payment recorded, a different payment under that reference is a conflict.
- The milestone's first valid invoice is its `invoice` date for the schedule.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from opspact import outbox
from opspact.calendar import SHANGHAI
from opspact.db.locks import xact_lock
from opspact.errors import Conflict, NotFound, Unprocessable
from opspact.events import new_event
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from billing.ledger.service import Contract, penalty_event
from billing.models import LedgerEntry
from billing.money import figures
from billing.receivables.models import Invoice, Payment
from billing.receivables.schemas import DeductionIn, InvoiceIn, PaymentIn, VoidIn
from billing.tables import shared
from billing.terms import Milestone

ZERO = Decimal("0.00")
BUCKETS = (("1-30", 30), ("31-90", 90), ("91-180", 180), ("181+", None))


@dataclass
class Settled:
    invoiced: Decimal = ZERO
    paid: Decimal = ZERO
    deducted: Decimal = ZERO  # damages the client keeps back from this milestone
    first_invoice_on: date | None = None

    def owed(self, amount: Decimal) -> Decimal:
        return amount - self.deducted - self.paid


async def settlement(session: AsyncSession, tenant_id: str) -> dict[str, Settled]:
    out: dict[str, Settled] = {}
    for code, total, first in await session.execute(
            select(Invoice.milestone, func.sum(Invoice.amount), func.min(Invoice.issued_on))
            .where(Invoice.tenant_id == tenant_id, Invoice.voided_at.is_(None))
            .group_by(Invoice.milestone)):
        out[code] = Settled(invoiced=total, first_invoice_on=first)
    for code, total in await session.execute(
            select(Payment.milestone, func.sum(Payment.amount))
            .where(Payment.tenant_id == tenant_id).group_by(Payment.milestone)):
        out.setdefault(code, Settled()).paid = total
    for code, total in await session.execute(
            select(LedgerEntry.deducted_from, func.sum(LedgerEntry.counted_amount))
            .where(LedgerEntry.tenant_id == tenant_id, LedgerEntry.state == "deducted")
            .group_by(LedgerEntry.deducted_from)):
        out.setdefault(code, Settled()).deducted = total
    return out


def _milestone(c: Contract, code: str) -> tuple[Milestone, Decimal]:
    for m in c.terms.milestones:
        if m.code == code:
            return m, m.amount_of(c.value)
    known = ", ".join(m.code for m in c.terms.milestones)
    raise Unprocessable(f"unknown milestone {code!r}; the contract has {known}",
                        errors=[{"field": "body.milestone", "message": "unknown milestone"}])


def not_future(on: date, field: str) -> None:
    if on > datetime.now(SHANGHAI).date():
        raise Unprocessable(f"{field} is in the future", errors=[{"field": f"body.{field}",
                                                                  "message": "in the future"}])


async def _lock(session: AsyncSession, tenant_id: str) -> None:
    # One writer per tenant's receivables at a time: the sums checked are the sums kept.
    await xact_lock(session, f"billing-receivables:{tenant_id}")


async def add_invoice(session: AsyncSession, c: Contract, tenant_id: str, body: InvoiceIn,
                      actor: str) -> Invoice:
    milestone, amount = _milestone(c, body.milestone)
    not_future(body.issued_on, "issued_on")
    await _lock(session, tenant_id)
    if (await session.execute(select(Invoice.id).where(
            Invoice.tenant_id == tenant_id, Invoice.number == body.number))).first():
        raise Conflict(f"invoice number {body.number} is already recorded")
    settled = (await settlement(session, tenant_id)).get(milestone.code, Settled())
    room = amount - settled.invoiced
    if body.amount > room:
        raise Unprocessable(
            f"milestone {milestone.code} is {figures(amount)} and {figures(settled.invoiced)} is "
            f"invoiced already: this invoice exceeds it by {figures(body.amount - room)}",
            errors=[{"field": "body.amount", "message": "over the milestone"}])
    invoice = Invoice(tenant_id=tenant_id, milestone=milestone.code, number=body.number,
                      kind=body.kind.value, amount=body.amount, issued_on=body.issued_on,
                      recorded_by=actor)
    session.add(invoice)
    await session.flush()
    await session.refresh(invoice)
    return invoice


async def void_invoice(session: AsyncSession, c: Contract, tenant_id: str, invoice_id: int,
                       body: VoidIn, actor: str) -> Invoice:
    await _lock(session, tenant_id)
    invoice = (await session.execute(select(Invoice).where(
        Invoice.tenant_id == tenant_id, Invoice.id == invoice_id).with_for_update())).scalar_one_or_none()
    if invoice is None:
        raise NotFound(f"invoice {invoice_id} not found")
    if invoice.voided_at is not None:
        raise Conflict(f"invoice {invoice.number} was voided already")
    milestone, _ = _milestone(c, invoice.milestone)
    settled = (await settlement(session, tenant_id)).get(milestone.code, Settled())
    if milestone.invoice_first and settled.paid > settled.invoiced - invoice.amount:
        raise Conflict(f"milestone {milestone.code} has {figures(settled.paid)} paid against its "
                       "invoices: issue the replacement invoice before voiding this one")
    invoice.voided_at, invoice.void_reason = datetime.now(UTC), f"{body.reason}（{actor}）"
    await session.flush()
    return invoice


async def add_payment(session: AsyncSession, c: Contract, tenant_id: str, body: PaymentIn,
                      actor: str) -> tuple[Payment, bool]:
    """(payment, fresh)."""
    milestone, amount = _milestone(c, body.milestone)
    not_future(body.received_on, "received_on")
    await _lock(session, tenant_id)
    earlier = (await session.execute(select(Payment).where(
        Payment.tenant_id == tenant_id, Payment.reference == body.reference))).scalar_one_or_none()
    if earlier is not None:
        if (earlier.milestone, earlier.amount, earlier.received_on) == (
                milestone.code, body.amount, body.received_on):
            return earlier, False
        raise Conflict(f"reference {body.reference} is already a payment of {figures(earlier.amount)} "
                       f"to {earlier.milestone} on {earlier.received_on}")
    settled = (await settlement(session, tenant_id)).get(milestone.code, Settled())
    owed = settled.owed(amount)
    if body.amount > owed:
        kept = f", {figures(settled.deducted)} deducted for damages" if settled.deducted else ""
        raise Unprocessable(
            f"milestone {milestone.code} is {figures(amount)} with {figures(settled.paid)} paid{kept}: "
            f"this payment exceeds what is owed by {figures(body.amount - owed)}",
            errors=[{"field": "body.amount", "message": "over what is owed"}])
    if milestone.invoice_first and settled.paid + body.amount > settled.invoiced:
        raise Conflict(f"milestone {milestone.code} is paid against an invoice (the contract wants it "
                       f"first): {figures(settled.invoiced)} is invoiced, {figures(settled.paid)} paid")
    payment = Payment(tenant_id=tenant_id, milestone=milestone.code, amount=body.amount,
                      received_on=body.received_on, reference=body.reference, recorded_by=actor)
    session.add(payment)
    await session.flush()
    await session.refresh(payment)
    if body.amount == owed:
        await announce_paid(session, tenant_id, milestone, amount, settled.deducted, body.received_on)
    return payment, True


async def announce_paid(session: AsyncSession, tenant_id: str, milestone: Milestone, amount: Decimal,
                        deducted: Decimal, on: date) -> None:
    """`billing.milestone.paid.v1`, once: by the payment or deduction that settles it."""
    await outbox.add(session, shared.outbox, new_event(
        "billing", "milestone", "paid", tenant_id, milestone.code, {
            "milestone": milestone.code, "name": milestone.name, "amount": f"{amount:.2f}",
            "deducted": f"{deducted:.2f}", "paid_on": on.isoformat()}))


async def deduct(session: AsyncSession, c: Contract, tenant_id: str, key: str, body: DeductionIn,
                 actor: str) -> tuple[LedgerEntry, bool]:
    """A confirmed damages entry kept back from one milestone's payment: (entry, fresh).
    The whole entry goes to one milestone, which must still owe at least that much."""
    milestone, amount = _milestone(c, body.milestone)
    await _lock(session, tenant_id)
    row = await session.get(LedgerEntry, (tenant_id, key), with_for_update=True)
    if row is None:
        raise NotFound(f"ledger entry {key!r} not found")
    if row.state == "deducted":
        if row.deducted_from == milestone.code:
            return row, False
        raise Conflict(f"ledger entry {key!r} was deducted from {row.deducted_from} already")
    if row.state != "confirmed":
        raise Conflict(f"ledger entry {key!r} is {row.state}: only a confirmed entry is deducted")
    settled = (await settlement(session, tenant_id)).get(milestone.code, Settled())
    owed = settled.owed(amount)
    if row.counted_amount > owed:
        raise Unprocessable(
            f"milestone {milestone.code} owes {figures(owed)} ({figures(amount)}, {figures(settled.paid)} "
            f"paid, {figures(settled.deducted)} deducted): the entry's {figures(row.counted_amount)} "
            "does not fit; deduct it from another milestone",
            errors=[{"field": "body.milestone", "message": "owes less than the entry"}])
    row.state, row.deducted_from, row.deducted_by = "deducted", milestone.code, actor
    row.deducted_at = row.updated_at = datetime.now(UTC)
    if body.reason:
        row.reason = f"{row.reason}；{body.reason}" if row.reason else body.reason
    await session.flush()
    await outbox.add(session, shared.outbox, penalty_event(tenant_id, "deducted", row, {
        "milestone": milestone.code, "deducted_at": row.deducted_at.isoformat()}))
    if row.counted_amount == owed:
        await announce_paid(session, tenant_id, milestone, amount, settled.deducted + row.counted_amount,
                            datetime.now(SHANGHAI).date())
    return row, True


async def invoices(session: AsyncSession, tenant_id: str, milestone: str | None) -> list[Invoice]:
    query = select(Invoice).where(Invoice.tenant_id == tenant_id)
    if milestone:
        query = query.where(Invoice.milestone == milestone)
    return list((await session.execute(query.order_by(Invoice.issued_on, Invoice.id))).scalars())


async def payments(session: AsyncSession, tenant_id: str, milestone: str | None) -> list[Payment]:
    query = select(Payment).where(Payment.tenant_id == tenant_id)
    if milestone:
        query = query.where(Payment.milestone == milestone)
    return list((await session.execute(query.order_by(Payment.received_on, Payment.id))).scalars())


def bucket(days_past_due: int) -> str:
    if days_past_due <= 0:
        return "not_due"
    return next(name for name, limit in BUCKETS if limit is None or days_past_due <= limit)
