"""The contract as billing reads it: value, milestones with their due dates, the
dates recorded when they happen (acceptance, delivery), what does not add up."""

from datetime import datetime
from decimal import Decimal

from fastapi import APIRouter, Depends
from opspact.app import SESSION, current_principal
from opspact.auth import Principal
from opspact.calendar import SHANGHAI
from opspact.permissions import require
from sqlalchemy.ext.asyncio import AsyncSession

from billing import date_records
from billing.ledger.service import Contract, contract, recorded_dates
from billing.money import HUNDRED, from_wan, percent_of
from billing.receivables.service import Settled, settlement
from billing.schedule import ANCHOR_NAMES, Due, contract_dates, schedule
from billing.schemas import (
    Amount,
    ContractDateIn,
    ContractDateOut,
    ContractOut,
    LineGroupOut,
    LineItemOut,
    MilestoneOut,
)
from billing.terms import RecordedDate, inconsistencies

router = APIRouter(tags=["contract"])


def _status(due: Due, today, settled: Settled) -> str:
    if settled.owed(due.amount) <= 0:
        return "paid"
    if due.waiting_for == [ANCHOR_NAMES["invoice"]] and due.payable_from is not None:
        # payable but for the invoice the contract puts first: the vendor's move
        return "invoice_needed" if today >= due.payable_from else "not_yet_payable"
    if due.waiting_for or due.payable_from is None:
        return "waiting"
    if today < due.payable_from:
        return "not_yet_payable"
    if due.due_on is None or today <= due.due_on:
        return "payable"
    return "past_due"


def milestone_out(due: Due, value: Decimal, today, settled: Settled | None = None) -> MilestoneOut:
    m = due.milestone
    settled = settled or Settled()
    return MilestoneOut(
        code=m.code, name=m.name, amount=Amount.of(due.amount),
        percent_of_value=f"{(due.amount * HUNDRED / value).quantize(Decimal('0.01'))}",
        clause=m.trigger.clause, after=list(m.trigger.after), within=m.trigger.within,
        trigger_on=due.trigger_on, payable_from=due.payable_from, due_on=due.due_on,
        contract_due_on=due.contract_due_on,
        waiting_for=due.waiting_for, invoice_first=m.invoice_first,
        status=_status(due, today, settled), note=due.note,
        invoiced=Amount.of(settled.invoiced), paid=Amount.of(settled.paid),
        deducted=Amount.of(settled.deducted), net_payable=Amount.of(due.amount - settled.deducted),
        outstanding=Amount.of(settled.owed(due.amount)))


async def dues_of(session: AsyncSession, tenant_id: str, c: Contract,
                  dates: dict) -> tuple[list[Due], dict[str, Settled]]:
    """The schedule, and what each milestone has had invoiced, paid and deducted; a
    milestone's first invoice dates the milestones triggered by an invoice."""
    settled = await settlement(session, tenant_id)
    invoiced_on = {code: s.first_invoice_on for code, s in settled.items() if s.first_invoice_on}
    return schedule(c.terms, c.document, dates, invoiced_on), settled


async def milestones_of(session: AsyncSession, tenant_id: str, c: Contract,
                        dates: dict) -> list[MilestoneOut]:
    today = datetime.now(SHANGHAI).date()
    dues, settled = await dues_of(session, tenant_id, c, dates)
    return [milestone_out(d, c.value, today, settled.get(d.milestone.code)) for d in dues]


@router.get("/contract", response_model=ContractOut)
async def get_contract(principal: Principal = Depends(current_principal),
                       session: AsyncSession = SESSION) -> ContractOut:
    """Value (figures and 大写), milestones with due dates, damages rules and cap, and
    what does not add up in the contract's own data."""
    require(principal, "billing.read")
    c = await contract(session, principal.tenant)
    dates = await recorded_dates(session, principal.tenant)
    doc = c.document["contract"]
    cap = c.terms.damages.cap
    return ContractOut(
        tenant=principal.tenant, title=doc["title"], value=Amount.of(c.value),
        signed_on=doc.get("signed_on"), term=doc.get("term", {}), recorded_dates=dates,
        milestones=await milestones_of(session, principal.tenant, c, dates),
        damages_rules=[r.model_dump(mode="json") for r in c.terms.damages.rules],
        damages_cap=Amount.of(percent_of(c.value, cap.percent)) if cap else None,
        line_items=[LineGroupOut(name=g.name, wan=f"{g.wan.normalize():f}", amount=Amount.of(from_wan(g.wan)),
                                 items=[LineItemOut(name=i.name, wan=f"{i.wan.normalize():f}",
                                                    amount=Amount.of(from_wan(i.wan))) for i in g.items])
                    for g in c.terms.line_items],
        repair_split=c.terms.repair_split.model_dump(mode="json") if c.terms.repair_split else None,
        late_interest=c.terms.late_interest.model_dump(mode="json") if c.terms.late_interest else None,
        effective_on=contract_dates(c.document, c.terms, dates).get("effective"),
        inconsistencies=inconsistencies(c.terms, c.document))


@router.get("/milestones", response_model=list[MilestoneOut])
async def list_milestones(principal: Principal = Depends(current_principal),
                          session: AsyncSession = SESSION) -> list[MilestoneOut]:
    require(principal, "billing.read")
    c = await contract(session, principal.tenant)
    return await milestones_of(session, principal.tenant, c,
                               await recorded_dates(session, principal.tenant))


@router.put("/contract-dates/{kind}", response_model=ContractDateOut)
async def record_contract_date(body: ContractDateIn, kind: RecordedDate,
                               principal: Principal = Depends(current_principal),
                               session: AsyncSession = SESSION) -> ContractDateOut:
    """Record (or correct) when acceptance, delivery or the client's budget approval
    happened; milestones waiting for it get their due dates. Where the tenant file names a
    deliverable that records the date, the client's sign-off of it records it by itself:
    this is for a date signed on paper, or a correction."""
    require(principal, "billing.record")
    row = await date_records.record(session, principal.tenant, kind, body.on, body.evidence,
                                      principal.subject)
    return ContractDateOut(kind=kind, on=row.on, evidence=row.evidence,
                           recorded_by=row.recorded_by, recorded_at=row.recorded_at)
