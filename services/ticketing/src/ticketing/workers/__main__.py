"""`python -m ticketing.workers`: the outbox relay, the SLA scheduler, the inspection
watch and the inventory consumer (checklists' assets) without the HTTP API (for a
separate k8s Deployment; replicas stand by on advisory locks)."""

from opspact.leader import standalone_worker
from opspact.workers import run_workers

from ticketing.config import get_settings
from ticketing.inspections.watch import InspectionWatch
from ticketing.scope.handlers import HANDLERS
from ticketing.sla.scheduler import SlaScheduler
from ticketing.tables import shared

settings = get_settings()
run_workers(settings, handlers=HANDLERS, tables=shared, extra=[
    standalone_worker(lambda db: SlaScheduler(db, settings.sla_tick_seconds)),
    standalone_worker(lambda db: InspectionWatch(db, settings.inspection_tick_seconds,
                                                 settings.inspection_lookback_hours)),
])
