"""What an effort budget has used: the minutes of the work log entries booked against
its changes, in person-months of 174 hours — 21.75 working days of 8 hours, the monthly
average of working days the labour ministry fixes for wage purposes (劳社部发〔2008〕3号);
the contracts do not define a person-month."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from ticketing.changes.models import Change
from ticketing.effort.settings import EffortBudget
from ticketing.worklog.models import WorklogEntry

MINUTES_PER_PERSON_MONTH = Decimal(174 * 60)
HUNDRED = Decimal(100)


def person_months(minutes: int) -> Decimal:
    return (Decimal(minutes) / MINUTES_PER_PERSON_MONTH).quantize(Decimal("0.01"), ROUND_HALF_UP)


@dataclass
class ChangeEffort:
    number: str
    title: str
    status: str
    minutes: int
    person_months: Decimal
    over_each_limit: bool


@dataclass
class BudgetUsage:
    budget: EffortBudget
    minutes: int
    used: Decimal
    remaining: Decimal
    percent: Decimal
    state: str  # ok | warning | exhausted
    changes: list[ChangeEffort] = field(default_factory=list)


def judge(budget: EffortBudget, minutes: int) -> tuple[Decimal, Decimal, str]:
    """(percent used, remaining person-months, state) for this many minutes."""
    used = person_months(minutes)
    percent = (Decimal(minutes) * HUNDRED / (budget.person_months_total * MINUTES_PER_PERSON_MONTH)
               ).quantize(Decimal("0.1"), ROUND_HALF_UP)
    state = ("exhausted" if percent >= HUNDRED else
             "warning" if percent >= budget.warn_at_percent else "ok")
    return percent, budget.person_months_total - used, state


async def minutes_by_change(session: AsyncSession, tenant_id: str,
                            kinds: list[str]) -> list[tuple[Change, int]]:
    rows = await session.execute(
        select(Change, func.coalesce(func.sum(WorklogEntry.minutes_spent), 0))
        .outerjoin(WorklogEntry, (WorklogEntry.tenant_id == Change.tenant_id)
                   & (WorklogEntry.change_id == Change.id))
        .where(Change.tenant_id == tenant_id, Change.kind.in_(kinds))
        .group_by(Change.id).order_by(Change.seq))
    return [(change, int(minutes)) for change, minutes in rows]


async def usage(session: AsyncSession, tenant_id: str, budget: EffortBudget) -> BudgetUsage:
    per_change = await minutes_by_change(session, tenant_id, [k.value for k in budget.change_kinds])
    minutes = sum(m for _, m in per_change)
    percent, remaining, state = judge(budget, minutes)
    each = budget.person_months_each_under
    return BudgetUsage(budget, minutes, person_months(minutes), remaining, percent, state, [
        ChangeEffort(c.number, c.title, c.status, m, person_months(m),
                     each is not None and person_months(m) >= each)
        for c, m in per_change])
