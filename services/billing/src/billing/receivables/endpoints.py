"""Invoices, payments and receivables over HTTP."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from fastapi import APIRouter, Depends, Path, Query, Response
from opspact.app import current_principal, current_session
from opspact.auth import Principal
from opspact.calendar import SHANGHAI
from opspact.errors import NotFound
from opspact.permissions import require
from opspact.types import IsoDate
from sqlalchemy.ext.asyncio import AsyncSession

from billing import interest, lpr
from billing.contract_endpoints import milestones_of, recorded_dates
from billing.ledger.service import contract
from billing.receivables import service
from billing.receivables.models import Invoice, Payment
from billing.receivables.schemas import (
    AccrualOut,
    InvoiceIn,
    InvoiceOut,
    LateInterestOut,
    LprOut,
    PaymentIn,
    PaymentOut,
    ReceivableOut,
    ReceivablesOut,
    VoidIn,
)
from billing.schedule import contract_dates
from billing.schemas import Amount

router = APIRouter(tags=["receivables"])
Milestone = Query(default=None, min_length=1, max_length=32)


def invoice_out(i: Invoice) -> InvoiceOut:
    return InvoiceOut(id=i.id, milestone=i.milestone, number=i.number, kind=i.kind,
                      amount=Amount.of(i.amount), issued_on=i.issued_on, recorded_by=i.recorded_by,
                      recorded_at=i.recorded_at, voided_at=i.voided_at, void_reason=i.void_reason)


def payment_out(p: Payment) -> PaymentOut:
    return PaymentOut(id=p.id, milestone=p.milestone, amount=Amount.of(p.amount),
                      received_on=p.received_on, reference=p.reference, recorded_by=p.recorded_by,
                      recorded_at=p.recorded_at)


@router.post("/invoices", status_code=201, response_model=InvoiceOut)
async def record_invoice(body: InvoiceIn, principal: Principal = Depends(current_principal),
                         session: AsyncSession = Depends(current_session)) -> InvoiceOut:
    """An invoice issued against a milestone (never past its amount)."""
    require(principal, "billing.settle")
    c = await contract(session, principal.tenant)
    return invoice_out(await service.add_invoice(session, c, principal.tenant, body, principal.subject))


@router.get("/invoices", response_model=list[InvoiceOut])
async def list_invoices(milestone: str | None = Milestone, principal: Principal = Depends(current_principal),
                        session: AsyncSession = Depends(current_session)) -> list[InvoiceOut]:
    require(principal, "billing.read")
    return [invoice_out(i) for i in await service.invoices(session, principal.tenant, milestone)]


@router.post("/invoices/{invoice_id}/void", response_model=InvoiceOut)
async def void_invoice(body: VoidIn, invoice_id: int = Path(ge=1, le=2**62),
                       principal: Principal = Depends(current_principal),
                       session: AsyncSession = Depends(current_session)) -> InvoiceOut:
    """作废: the invoice stays on record with the reason; it no longer counts."""
    require(principal, "billing.settle")
    c = await contract(session, principal.tenant)
    return invoice_out(await service.void_invoice(session, c, principal.tenant, invoice_id, body,
                                                  principal.subject))


@router.post("/payments", status_code=201, response_model=PaymentOut,
             responses={200: {"model": PaymentOut, "description": "the same reference again"}})
async def record_payment(body: PaymentIn, response: Response,
                         principal: Principal = Depends(current_principal),
                         session: AsyncSession = Depends(current_session)) -> PaymentOut:
    """Money received (partial allowed); the payment that settles a milestone announces
    `billing.milestone.paid.v1`."""
    require(principal, "billing.settle")
    c = await contract(session, principal.tenant)
    payment, fresh = await service.add_payment(session, c, principal.tenant, body, principal.subject)
    response.status_code = 201 if fresh else 200
    return payment_out(payment)


@router.get("/payments", response_model=list[PaymentOut])
async def list_payments(milestone: str | None = Milestone, principal: Principal = Depends(current_principal),
                        session: AsyncSession = Depends(current_session)) -> list[PaymentOut]:
    require(principal, "billing.read")
    return [payment_out(p) for p in await service.payments(session, principal.tenant, milestone)]


@router.get("/receivables", response_model=ReceivablesOut)
async def receivables(principal: Principal = Depends(current_principal),
                      session: AsyncSession = Depends(current_session)) -> ReceivablesOut:
    """What is owed per milestone whose due date is known, aged by days past due."""
    require(principal, "billing.read")
    c = await contract(session, principal.tenant)
    today = datetime.now(SHANGHAI).date()
    items = []
    for m in await milestones_of(session, principal.tenant, c,
                                 await recorded_dates(session, principal.tenant)):
        outstanding = Decimal(m.outstanding.value)
        if m.due_on is None or outstanding <= 0:
            continue
        late = (today - m.due_on).days
        items.append(ReceivableOut(milestone=m.code, name=m.name, amount=m.amount, invoiced=m.invoiced,
                                   paid=m.paid, outstanding=m.outstanding, due_on=m.due_on,
                                   days_past_due=max(late, 0), bucket=service.bucket(late)))
    buckets = {name: Decimal(0) for name in ("not_due", *(n for n, _ in service.BUCKETS))}
    for item in items:
        buckets[item.bucket] += Decimal(item.outstanding.value)
    return ReceivablesOut(as_of=today, items=items,
                          outstanding=Amount.of(sum(buckets.values(), Decimal(0))),
                          by_bucket={k: Amount.of(v) for k, v in buckets.items()})


@router.get("/late-interest", response_model=LateInterestOut)
async def late_interest(as_of: IsoDate | None = Query(default=None, description="default: today (Shanghai)"),
                        principal: Principal = Depends(current_principal),
                        session: AsyncSession = Depends(current_session)) -> LateInterestOut:
    """What the client owes for paying late, per the contract's clause: per milestone, the
    late days on what was unpaid each day, the computation, the total and the cap."""
    require(principal, "billing.read")
    c = await contract(session, principal.tenant)
    terms = c.terms.late_interest
    if terms is None:
        raise NotFound("the contract has no late-payment interest clause")
    day = as_of or datetime.now(SHANGHAI).date()
    dates = await recorded_dates(session, principal.tenant)
    paid: dict[str, list] = {}
    for p in await service.payments(session, principal.tenant, None):
        if p.received_on <= day:
            paid.setdefault(p.milestone, []).append((p.received_on, p.amount))
    owed = [interest.Owed(m.code, m.name, Decimal(m.amount.value), m.due_on, tuple(paid.get(m.code, ())))
            for m in await milestones_of(session, principal.tenant, c, dates) if m.due_on is not None]
    known = contract_dates(c.document, c.terms, dates)
    effective = known.get("effective") or known.get("signing")
    result = interest.accrue(terms, c.value, owed, day, effective)
    rate = result.lpr
    return LateInterestOut(
        as_of=day, basis=terms.basis, day_count=terms.day_count, clause=terms.clause,
        lpr=LprOut(rate=f"{rate.rate}", on=rate.on, announced_on=rate.announced_on,
                   source=lpr.SOURCE, note=rate.note) if rate else None,
        items=[AccrualOut(milestone=a.code, name=a.name, due_on=a.due_on, days_late=a.days_late,
                          unpaid=Amount.of(a.unpaid), amount=Amount.of(a.amount), computation=a.steps)
               for a in result.accruals],
        total=Amount.of(result.total), cap=Amount.of(result.cap) if result.cap is not None else None,
        payable=Amount.of(result.payable), capped=result.cap is not None and result.total > result.cap)
