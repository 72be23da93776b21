"""Invoices, payments and receivables over HTTP."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from fastapi import APIRouter, Depends, Path, Query, Response
from opspact.app import SESSION, current_principal
from opspact.auth import Principal
from opspact.calendar import SHANGHAI
from opspact.errors import NotFound
from opspact.permissions import require
from opspact.types import IsoDate
from sqlalchemy.ext.asyncio import AsyncSession

from billing.contract_endpoints import milestones_of, recorded_dates
from billing.ledger.endpoints import Key, entry_out
from billing.ledger.service import contract
from billing.receivables import accrual, service
from billing.receivables.models import Invoice, Payment
from billing.receivables.schemas import (
    DeductionIn,
    InvoiceIn,
    InvoiceOut,
    LateInterestOut,
    PaymentIn,
    PaymentOut,
    ReceivableOut,
    ReceivablesOut,
    VoidIn,
)
from billing.schemas import Amount, LedgerEntryOut

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
                         session: AsyncSession = SESSION) -> InvoiceOut:
    """An invoice issued against a milestone (never past its amount)."""
    require(principal, "billing.settle")
    c = await contract(session, principal.tenant)
    return invoice_out(await service.add_invoice(session, c, principal.tenant, body, principal.subject))


@router.get("/invoices", response_model=list[InvoiceOut])
async def list_invoices(milestone: str | None = Milestone, principal: Principal = Depends(current_principal),
                        session: AsyncSession = SESSION) -> list[InvoiceOut]:
    require(principal, "billing.read")
    return [invoice_out(i) for i in await service.invoices(session, principal.tenant, milestone)]


@router.post("/invoices/{invoice_id}/void", response_model=InvoiceOut)
async def void_invoice(body: VoidIn, invoice_id: int = Path(ge=1, le=2**62),
                       principal: Principal = Depends(current_principal),
                       session: AsyncSession = SESSION) -> InvoiceOut:
    """作废: the invoice stays on record with the reason; it no longer counts."""
    require(principal, "billing.settle")
    c = await contract(session, principal.tenant)
    return invoice_out(await service.void_invoice(session, c, principal.tenant, invoice_id, body,
                                                  principal.subject))


@router.post("/payments", status_code=201, response_model=PaymentOut,
             responses={200: {"model": PaymentOut, "description": "the same reference again"}})
async def record_payment(body: PaymentIn, response: Response,
                         principal: Principal = Depends(current_principal),
                         session: AsyncSession = SESSION) -> PaymentOut:
    """Money received (partial allowed); the payment that settles a milestone announces
    `billing.milestone.paid.v1`."""
    require(principal, "billing.settle")
    c = await contract(session, principal.tenant)
    payment, fresh = await service.add_payment(session, c, principal.tenant, body, principal.subject)
    response.status_code = 201 if fresh else 200
    return payment_out(payment)


@router.get("/payments", response_model=list[PaymentOut])
async def list_payments(milestone: str | None = Milestone, principal: Principal = Depends(current_principal),
                        session: AsyncSession = SESSION) -> list[PaymentOut]:
    require(principal, "billing.read")
    return [payment_out(p) for p in await service.payments(session, principal.tenant, milestone)]


@router.post("/ledger/{key}/deduct", response_model=LedgerEntryOut,
             responses={200: {"model": LedgerEntryOut, "description": "deducted (or already, from it)"},
                        409: {"description": "not confirmed, or deducted from another milestone"}})
async def deduct_entry(body: DeductionIn, key: str = Key, principal: Principal = Depends(current_principal),
                       session: AsyncSession = SESSION) -> LedgerEntryOut:
    """A confirmed damages entry kept back from a milestone's payment (confirmed →
    deducted): the milestone then owes that much less (`net_payable`)."""
    require(principal, "billing.settle")
    c = await contract(session, principal.tenant)
    row, _ = await service.deduct(session, c, principal.tenant, key, body, principal.subject)
    return LedgerEntryOut(**entry_out(row))


@router.get("/receivables", response_model=ReceivablesOut)
async def receivables(principal: Principal = Depends(current_principal),
                      session: AsyncSession = SESSION) -> ReceivablesOut:
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
                                   paid=m.paid, deducted=m.deducted, outstanding=m.outstanding,
                                   due_on=m.due_on, days_past_due=max(late, 0), bucket=service.bucket(late)))
    buckets = {name: Decimal(0) for name in ("not_due", *(n for n, _ in service.BUCKETS))}
    for item in items:
        buckets[item.bucket] += Decimal(item.outstanding.value)
    return ReceivablesOut(as_of=today, items=items,
                          outstanding=Amount.of(sum(buckets.values(), Decimal(0))),
                          by_bucket={k: Amount.of(v) for k, v in buckets.items()})


@router.get("/late-interest", response_model=LateInterestOut)
async def late_interest(as_of: IsoDate | None = Query(default=None, description="default: today (Shanghai)"),
                        principal: Principal = Depends(current_principal),
                        session: AsyncSession = SESSION) -> LateInterestOut:
    """What the client owes for paying late, per the contract's clause: per milestone, the
    late days on what was unpaid each day, the computation, the total and the cap."""
    require(principal, "billing.read")
    c = await contract(session, principal.tenant)
    day = as_of or datetime.now(SHANGHAI).date()
    result = await accrual.late_interest(session, c, principal.tenant, day)
    if result is None:
        raise NotFound("the contract has no late-payment interest clause")
    return accrual.as_out(result, c.terms.late_interest)
