"""`GET /contract-terms`: what the contract makes ticketing enforce — the systems and which
are core, every SLA clock with its target, what meets it and its clause, the inspection
schedules, the reports, the change approval chain and the effort budgets with what they
have used. Read from the applied tenant file; nothing here is computed but the usage."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from opspact.app import SESSION, current_principal
from opspact.auth import Principal
from opspact.permissions import require
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from ticketing.effort.endpoints import BudgetOut, budget_out
from ticketing.effort.usage import usage
from ticketing.tickets.service import settings_of

router = APIRouter(tags=["contract"])


class ClockTerm(BaseModel):
    policy: str
    matches: dict[str, Any]
    clock: str
    target: str
    while_status: str | None
    stops_at: str | None
    stops_on: str | None
    unless_on_site: bool
    clause: str


class InspectionTerm(BaseModel):
    code: str
    name: str
    every: str
    times: list[str]
    heightened_times: list[str] | None
    clause: str | None


class ContractTermsOut(BaseModel):
    systems: list[dict[str, Any]]
    clocks: list[ClockTerm]
    inspections: list[InspectionTerm]
    inspection_grace_minutes: int
    heightened_statutory_holidays: bool
    heightened_periods: list[dict[str, Any]]
    reports: dict[str, Any]
    change_approval: list[dict[str, Any]]
    effort_budgets: list[BudgetOut]


@router.get("/contract-terms", response_model=ContractTermsOut)
async def contract_terms(principal: Principal = Depends(current_principal),
                         session: AsyncSession = SESSION) -> ContractTermsOut:
    require(principal, "reports.read")
    s = await settings_of(session, principal.tenant)
    clocks = [ClockTerm(policy=p.name, matches=p.match.model_dump(mode="json", exclude_none=True),
                        clock=c.clock, target=c.target,
                        while_status=c.while_status.value if c.while_status else None,
                        stops_at=c.stops_at.value if c.stops_at else None, stops_on=c.stops_on,
                        unless_on_site=c.unless_on_site, clause=c.clause)
              for p in s.sla.policies for c in p.clocks]
    inspections = s.inspections
    return ContractTermsOut(
        systems=[sys.model_dump(mode="json") for sys in s.systems], clocks=clocks,
        inspections=[InspectionTerm(code=sc.code, name=sc.name, every=sc.every.value, times=sc.times,
                                    heightened_times=sc.heightened_times, clause=sc.clause)
                     for sc in inspections.schedules],
        inspection_grace_minutes=inspections.grace_minutes,
        heightened_statutory_holidays=inspections.heightened.statutory_holidays,
        heightened_periods=[p.model_dump(mode="json") for p in inspections.heightened.periods],
        reports=s.reports.model_dump(mode="json"),
        change_approval=[step.model_dump(mode="json") for step in s.changes.approval_chain],
        effort_budgets=[budget_out(await usage(session, principal.tenant, b)) for b in s.effort_budgets])
