"""The statement of account over HTTP, as JSON and as XLSX."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from fastapi import APIRouter, Depends, Query, Response
from opspact.app import SESSION, current_principal
from opspact.auth import Principal
from opspact.calendar import SHANGHAI
from opspact.calendar.spans import day_span
from opspact.errors import Conflict
from opspact.permissions import require
from opspact.tabular import XLSX
from opspact.types import IsoDate
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from billing import interest
from billing.contract_endpoints import dues_of, recorded_dates
from billing.ledger.service import Contract, contract
from billing.models import LedgerEntry
from billing.receivables import accrual, service
from billing.receivables.endpoints import invoice_out, payment_out
from billing.repairs.endpoints import repair_out, repairs_between
from billing.repairs.models import Repair
from billing.schedule import contract_dates
from billing.schemas import Amount
from billing.statements import workbook
from billing.statements.compose import Statement, compose
from billing.statements.schemas import (
    StatementDamage,
    StatementMilestone,
    StatementOut,
    StatementTotals,
)

router = APIRouter(tags=["statements"])
MAX_DAYS = 3660  # ten years: longer than any of the contracts
From = Query(default=None, alias="from", description="first day (default: the signing date)")
To = Query(default=None, alias="to", description="last day, inclusive (default: today, Shanghai)")


def _period(c: Contract, start: date | None, end: date | None) -> tuple[date, date]:
    doc = c.document["contract"]
    start = start or date.fromisoformat(doc.get("signed_on") or doc["term"]["start"])
    end = end or datetime.now(SHANGHAI).date()
    return day_span(start, end, MAX_DAYS)


async def build(session: AsyncSession, c: Contract, tenant_id: str, start: date, end: date) -> Statement:
    dates = await recorded_dates(session, tenant_id)
    dues, _ = await dues_of(session, tenant_id, c, dates)
    known = contract_dates(c.document, c.terms, dates)
    entries = list((await session.execute(select(LedgerEntry).where(
        LedgerEntry.tenant_id == tenant_id))).scalars())
    try:
        return compose(dues,
                       await service.invoices(session, tenant_id, None),
                       await service.payments(session, tenant_id, None), entries, start, end, c.value,
                       c.terms.late_interest, known.get("effective") or known.get("signing"))
    except interest.NoRate as exc:
        raise Conflict(f"late-payment interest cannot be computed: {exc}") from None


def statement_out(tenant: str, c: Contract, s: Statement, repairs: list[Repair]) -> StatementOut:
    t = s.totals
    borne = {party: sum((r.amount for r in repairs if r.borne_by == party), Decimal(0))
             for party in ("vendor", "client")} if c.terms.repair_split else {}
    return StatementOut(
        tenant=tenant, title=c.document["contract"]["title"], contract_value=Amount.of(c.value),
        start=s.start, end=s.end, generated_at=datetime.now(UTC),
        milestones=[StatementMilestone(
            code=m.code, name=m.name, amount=Amount.of(m.amount), due_on=m.due_on,
            due_in_period=m.due_in_period, invoiced=Amount.of(m.invoiced), paid=Amount.of(m.paid),
            deducted=Amount.of(m.deducted), outstanding=Amount.of(m.outstanding)) for m in s.milestones],
        invoices=[invoice_out(i) for i in s.invoices],
        payments=[payment_out(p) for p in s.payments],
        damages=[StatementDamage(key=d.key, rule=d.rule, clause=d.clause, occurred_on=d.occurred_on,
                                 computation=d.computation, amount=Amount.of(d.amount), state=d.state,
                                 deducted_from=d.deducted_from) for d in s.damages],
        late_interest=accrual.as_out(s.interest, c.terms.late_interest) if s.interest else None,
        repairs=[repair_out(r) for r in repairs],
        totals=StatementTotals(
            invoiced=Amount.of(t.invoiced), received=Amount.of(t.received),
            damages={state: Amount.of(v) for state, v in t.damages.items()},
            deducted_in_period=Amount.of(t.deducted_in_period), receivable_due=Amount.of(t.receivable_due),
            damages_pending=Amount.of(t.damages_pending), interest=Amount.of(t.interest),
            net_receivable=Amount.of(t.net_receivable),
            repairs={party: Amount.of(amount) for party, amount in borne.items()}))


@router.get("/statement", response_model=StatementOut)
async def get_statement(start: IsoDate | None = From, end: IsoDate | None = To,
                        principal: Principal = Depends(current_principal),
                        session: AsyncSession = SESSION) -> StatementOut:
    """对账单: the period's invoices, payments and damages, and at its end what is due,
    what is kept back, the late-payment interest and the net receivable."""
    require(principal, "billing.read")
    c = await contract(session, principal.tenant)
    start, end = _period(c, start, end)
    return statement_out(principal.tenant, c, await build(session, c, principal.tenant, start, end),
                         await repairs_between(session, principal.tenant, start, end))


@router.get("/statement/export",
            responses={200: {"content": {XLSX: {}}, "description": "the statement as XLSX"}})
async def export_statement(start: IsoDate | None = From, end: IsoDate | None = To,
                           principal: Principal = Depends(current_principal),
                           session: AsyncSession = SESSION) -> Response:
    """The statement as a workbook: a summary sheet with the totals in figures and 大写,
    then one sheet each for milestones, invoices, payments and damages."""
    require(principal, "billing.read")
    c = await contract(session, principal.tenant)
    start, end = _period(c, start, end)
    out = statement_out(principal.tenant, c, await build(session, c, principal.tenant, start, end),
                        await repairs_between(session, principal.tenant, start, end))
    name = f"statement-{principal.tenant}-{start:%Y%m%d}-{end:%Y%m%d}.xlsx"
    return Response(workbook.render(out), media_type=XLSX,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
