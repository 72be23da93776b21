"""The inspection watch: announces each round not recorded by its deadline
(`ticketing.inspection.missed.v1`), once — and, in the same look at each tenant, the
deliverables due soon or overdue (`ticketing.deliverable.due|overdue.v1`).

One replica leads (`opspact.leader`). It lists the tenants as the NOLOGIN role
`opspact_ticketing_inspections` (migration 0006: tenant ids and nothing else) and
looks at each tenant in a unit of work bound to it, under the ordinary tenant
policies; one tenant's broken file does not silence the others. A round's row is
claimed with INSERT … ON CONFLICT DO NOTHING in the transaction that stages the
event, so two leaders at once (a split brain) still announce it once.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from opspact.calendar import SHANGHAI
from opspact.db import Database
from opspact.db.bootstrap import app_role
from opspact.leader import LeaderLoop, app_worker, tenant_ids
from ticketing.deliverables import service as deliverables
from ticketing.inspections import service
from ticketing.tables import shared

log = logging.getLogger(__name__)
WATCH_ROLE = app_role("ticketing") + "_inspections"


class InspectionWatch(LeaderLoop):
    def __init__(self, db: Database, tick_seconds: float = 60.0, lookback_hours: int = 48) -> None:
        super().__init__(db, tick_seconds, "watch:inspections")
        self.lookback = timedelta(hours=lookback_hours)
        self.announced = 0

    async def tick(self, now: datetime | None = None) -> int:
        """One look at every tenant; the number of rounds announced missed."""
        now = now or datetime.now(UTC)
        announced = 0
        for tenant in await self._tenants():
            try:
                async with self.db.unit_of_work(tenant) as session:
                    announced += await service.announce_missed(session, tenant, now, self.lookback)
                    # the same look announces deliverables due soon or overdue
                    announced += await deliverables.announce(session, tenant, now.astimezone(SHANGHAI).date())
            except Exception as exc:
                self.last_error = f"{tenant}: {type(exc).__name__}: {exc}"
                log.warning("inspection watch, tenant %s: %s", tenant, exc)
        self.announced += announced
        return announced

    async def _tenants(self) -> list[str]:
        return await tenant_ids(self.db, WATCH_ROLE, shared.tenants)


def watch_worker(settings):
    return app_worker(lambda db: InspectionWatch(db, settings.inspection_tick_seconds,
                                                 settings.inspection_lookback_hours),
                      "inspection_watch")
