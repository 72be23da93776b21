"""财务: the contract with every term and its clause, the payment milestones with what each
waits for, and the vendor's books — invoices issued and money received — with what is owed,
aged. Amounts in figures and 大写 as billing gives them."""

from __future__ import annotations

import re
from datetime import date, datetime

from fastapi import APIRouter, Depends, Form, Path, Request
from opspact.calendar import SHANGHAI
from starlette.responses import Response

from console.desk.money import amount_of, check_within, invoice_room, payment_room
from console.sessions import Session
from console.web import Refused, api_change, changing, current, messages, redirect, render, templates

router = APIRouter(prefix="/console/finance")
DONE = {"invoice", "payment", "void"}
BUCKETS = ("not_due", "1-30", "31-90", "91-180", "181+")
INVOICE_KINDS = ("vat_special", "vat_normal")
MILESTONE = Form(min_length=1, max_length=32)


UNITS = {"working day": "个工作日", "day": "日", "month": "个月", "year": "年"}
WITHIN = re.compile(r"^(\d+) (working day|day|month|year)s?$")


def within_text(text: str) -> str:
    """A milestone's period as the contract says it ("10 working days" → 10个工作日); none
    for "0 days" (the day itself)."""
    found = WITHIN.match(text.strip())
    if not found:
        return text
    return "" if found.group(1) == "0" else f"{found.group(1)}{UNITS[found.group(2)]}"


templates.env.filters["within_text"] = within_text


def today() -> date:
    return datetime.now(SHANGHAI).date()


async def milestone_named(request: Request, session: Session, code: str) -> dict:
    for m in await request.app.state.gateway.call(session, "GET", "/billing/milestones"):
        if m["code"] == code:
            return m
    raise Refused(422, messages("finance.unknown_milestone", code=code))


@router.get("")
async def contract(request: Request, session: Session = Depends(current)) -> Response:
    body = await request.app.state.gateway.call(session, "GET", "/billing/contract")
    return render(request, "desk/finance_contract.html", session=session, nav="finance", tab="contract",
                  contract=body)


@router.get("/receipts")
async def receipts(request: Request, session: Session = Depends(current)) -> Response:
    gateway = request.app.state.gateway
    milestones = await gateway.call(session, "GET", "/billing/milestones")
    done = request.query_params.get("done")
    return render(request, "desk/finance_receipts.html", session=session, nav="finance", tab="receipts",
                  milestones=milestones, buckets=BUCKETS, kinds=INVOICE_KINDS, today=today(),
                  receivables=await gateway.call(session, "GET", "/billing/receivables"),
                  invoices=await gateway.call(session, "GET", "/billing/invoices"),
                  payments=await gateway.call(session, "GET", "/billing/payments"),
                  rooms={m["code"]: (invoice_room(m), payment_room(m)) for m in milestones},
                  names={m["code"]: m["name"] for m in milestones},
                  done=messages(f"finance.done.{done}") if done in DONE else None)


@router.post("/invoices")
async def record_invoice(request: Request, milestone: str = MILESTONE,
                         number: str = Form(pattern=r"^[0-9A-Za-z-]{8,32}$"),
                         kind: str = Form(pattern=r"^(vat_special|vat_normal)$"),
                         amount: str = Form(max_length=24), issued_on: date = Form(),
                         session: Session = Depends(changing)) -> Response:
    """开票: never past what the milestone may still have invoiced."""
    figure = amount_of(amount)
    m = await milestone_named(request, session, milestone)
    check_within(figure, invoice_room(m), "finance.over_invoice", m)
    await api_change(request, session, "POST", "/billing/invoices", "finance.refused", json={
        "milestone": milestone, "number": number, "kind": kind, "amount": f"{figure:.2f}",
        "issued_on": issued_on.isoformat()})
    return redirect(request, "/console/finance/receipts?done=invoice")


@router.post("/payments")
async def record_payment(request: Request, milestone: str = MILESTONE, amount: str = Form(max_length=24),
                         received_on: date = Form(), reference: str = Form(min_length=1, max_length=64),
                         session: Session = Depends(changing)) -> Response:
    """收款 (partial allowed): never past what is owed, nor past what is invoiced where the
    contract wants the invoice first. The same bank slip entered twice is recorded once."""
    figure = amount_of(amount)
    m = await milestone_named(request, session, milestone)
    check_within(figure, payment_room(m), "finance.over_payment", m)
    await api_change(request, session, "POST", "/billing/payments", "finance.refused", json={
        "milestone": milestone, "amount": f"{figure:.2f}", "received_on": received_on.isoformat(),
        "reference": reference.strip()})
    return redirect(request, "/console/finance/receipts?done=payment")


@router.post("/invoices/{invoice_id}/void")
async def void_invoice(request: Request, invoice_id: int = Path(ge=1, le=2**62),
                       reason: str = Form(min_length=1, max_length=1000),
                       session: Session = Depends(changing)) -> Response:
    await api_change(request, session, "POST", f"/billing/invoices/{invoice_id}/void", "finance.refused",
                     json={"reason": reason.strip()})
    return redirect(request, "/console/finance/receipts?done=void")
