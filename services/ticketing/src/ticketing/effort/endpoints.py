"""The contract's effort budgets and what each has used."""

from __future__ import annotations

from decimal import Decimal

from fastapi import APIRouter, Depends
from opspact.app import SESSION, current_principal
from opspact.auth import Principal
from opspact.permissions import require
from pydantic import BaseModel, Field
from sqlalchemy.ext.asyncio import AsyncSession

from ticketing.effort.usage import MINUTES_PER_PERSON_MONTH, BudgetUsage, usage
from ticketing.tickets.service import settings_of

router = APIRouter(prefix="/effort-budgets", tags=["changes"])


class ChangeEffortOut(BaseModel):
    number: str
    title: str
    status: str
    minutes: int
    person_months: Decimal
    over_each_limit: bool = Field(description="at or past the contract's limit for one item")


class BudgetOut(BaseModel):
    name: str
    clause: str
    change_kinds: list[str]
    person_months_total: Decimal
    person_months_each_under: Decimal | None
    used: Decimal = Field(description="person-months of the work log booked against its changes")
    remaining: Decimal
    percent: Decimal
    state: str = Field(description="ok | warning (past warn_at_percent) | exhausted")
    minutes_per_person_month: int
    changes: list[ChangeEffortOut]


def budget_out(u: BudgetUsage) -> BudgetOut:
    b = u.budget
    return BudgetOut(name=b.name, clause=b.clause, change_kinds=[k.value for k in b.change_kinds],
                     person_months_total=b.person_months_total,
                     person_months_each_under=b.person_months_each_under, used=u.used,
                     remaining=u.remaining, percent=u.percent, state=u.state,
                     minutes_per_person_month=int(MINUTES_PER_PERSON_MONTH),
                     changes=[ChangeEffortOut(**vars(c)) for c in u.changes])


@router.get("", response_model=list[BudgetOut])
async def list_budgets(principal: Principal = Depends(current_principal),
                       session: AsyncSession = SESSION) -> list[BudgetOut]:
    """Each budget the contract grants, what it has used (person-months of 174 h), what is
    left, and every change it counts."""
    require(principal, "changes.read")
    budgets = (await settings_of(session, principal.tenant)).effort_budgets
    return [budget_out(await usage(session, principal.tenant, b)) for b in budgets]
