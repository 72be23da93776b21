"""A work log entry booked against a change: the budgets counting that change's kind are
judged before and after it, and crossing into warning or exhaustion — or a change growing
past the contract's limit for one item — is announced once, with the entry, through the
outbox (`ticketing.effort.warning.v1`; notify routes it to the managers)."""

from __future__ import annotations

from opspact import outbox
from opspact.db.locks import xact_lock
from opspact.events import new_event
from sqlalchemy.ext.asyncio import AsyncSession

from ticketing.changes.models import Change
from ticketing.effort.usage import BudgetUsage, person_months, usage
from ticketing.tables import shared
from ticketing.tickets.service import settings_of
from ticketing.worklog.models import WorklogEntry

STATES = ("ok", "warning", "exhausted")


async def booked(session: AsyncSession, tenant_id: str, change: Change, entry: WorklogEntry) -> None:
    """Add the entry; announce what it tips over."""
    budgets = [b for b in (await settings_of(session, tenant_id)).effort_budgets
               if change.kind in {k.value for k in b.change_kinds}]
    if budgets:  # one booking at a time per tenant: "crossed" is judged once
        await xact_lock(session, f"ticketing-effort:{tenant_id}")
    before = {b.name: await usage(session, tenant_id, b) for b in budgets}
    session.add(entry)
    await session.flush()
    for budget in budgets:
        was = before[budget.name]
        after = await usage(session, tenant_id, budget)
        crossed = STATES.index(after.state) > STATES.index(was.state)
        this = next(c for c in after.changes if c.number == change.number)
        over_item = this.over_each_limit and not next(
            c for c in was.changes if c.number == change.number).over_each_limit
        if crossed or over_item:
            await outbox.add(session, shared.outbox, warning_event(tenant_id, after, change, over_item))


def warning_event(tenant_id: str, u: BudgetUsage, change: Change, over_item: bool):
    b = u.budget
    return new_event("ticketing", "effort", "warning", tenant_id, change.number, {
        "budget": b.name, "state": u.state, "used": f"{u.used}", "total": f"{b.person_months_total}",
        "remaining": f"{u.remaining}", "percent": f"{u.percent}", "clause": b.clause,
        "change": change.number, "change_title": change.title,
        "change_used": f"{person_months(next(c.minutes for c in u.changes if c.number == change.number))}",
        "each_under": f"{b.person_months_each_under}" if b.person_months_each_under else None,
        "over_item_limit": over_item})

