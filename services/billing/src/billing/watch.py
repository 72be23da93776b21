"""The milestone watch: payments that fell due or overdue because days passed, not
because anyone asked — `billing.milestone.due.v1` when a milestone becomes payable
(its payable-from day reached; the payment is due by its due date) and
`billing.milestone.overdue.v1` the day after its due date while anything is owed.
Each once per milestone and due date (`milestone_notices`): a corrected acceptance
date moves the due date, and the new one is announced.

One replica leads (`opspact.leader`); it lists tenants as the NOLOGIN role
`opspact_billing_watch` (migration 0004) and reads each tenant bound to it. Notices
are inserted ON CONFLICT DO NOTHING in the transaction that stages the event, so two
leaders at once still announce each thing once.
"""

from __future__ import annotations

import logging
from datetime import datetime

from opspact import outbox
from opspact.calendar import SHANGHAI
from opspact.db import Database
from opspact.db.bootstrap import app_role
from opspact.events import new_event
from opspact.leader import LeaderLoop, app_worker, standalone_worker, tenant_ids
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from billing.contract_endpoints import milestones_of, recorded_dates
from billing.ledger.service import contract
from billing.models import MilestoneNotice
from billing.schemas import MilestoneOut
from billing.tables import shared

log = logging.getLogger(__name__)
WATCH_ROLE = app_role("billing") + "_watch"


class MilestoneWatch(LeaderLoop):
    def __init__(self, db: Database, tick_seconds: int = 300) -> None:
        super().__init__(db, tick_seconds, "watch:billing")
        self.announced = 0

    async def tick(self) -> int:
        """One look at every tenant; the number of events staged."""
        staged = 0
        for tenant in await tenant_ids(self.db, WATCH_ROLE, shared.tenants):
            # One tenant's broken contract data must not silence the others.
            try:
                async with self.db.unit_of_work(tenant) as session:
                    staged += await announce(session, tenant)
            except Exception as exc:
                self.last_error = f"{tenant}: {type(exc).__name__}: {exc}"
                log.warning("billing watch, tenant %s: %s", tenant, exc)
        self.announced += staged
        return staged


async def announce(session: AsyncSession, tenant_id: str) -> int:
    c = await contract(session, tenant_id)
    today = datetime.now(SHANGHAI).date()
    staged = 0
    for m in await milestones_of(session, tenant_id, c, await recorded_dates(session, tenant_id)):
        if m.due_on is None or m.status not in ("payable", "past_due"):
            continue
        kinds = ("due", "overdue") if m.status == "past_due" else ("due",)
        for kind in kinds:
            fresh = (await session.execute(pg_insert(MilestoneNotice).values(
                tenant_id=tenant_id, milestone=m.code, kind=kind, due_on=m.due_on)
                .on_conflict_do_nothing().returning(MilestoneNotice.kind))).first()
            if fresh is None:
                continue
            await outbox.add(session, shared.outbox, milestone_event(tenant_id, kind, m, today))
            staged += 1
    return staged


def milestone_event(tenant_id: str, kind: str, m: MilestoneOut, today):
    return new_event("billing", "milestone", kind, tenant_id, m.code, {
        "milestone": m.code, "name": m.name, "clause": m.clause,
        "amount": m.amount.value, "net_payable": m.net_payable.value,
        "outstanding": m.outstanding.value, "outstanding_capitals": m.outstanding.capitals,
        "payable_from": m.payable_from.isoformat() if m.payable_from else None,
        "due_on": m.due_on.isoformat(), "invoice_first": m.invoice_first,
        "invoiced": m.invoiced.value,
        "days_past_due": max((today - m.due_on).days, 0)})


def _make(settings):
    return lambda db: MilestoneWatch(db, settings.watch_tick_seconds)


def watch_worker(settings):
    return app_worker(_make(settings), "milestone_watch")


def standalone_watch(settings):
    return standalone_worker(_make(settings))
