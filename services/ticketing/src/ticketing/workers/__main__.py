"""`python -m ticketing.workers`: the outbox relay and the SLA scheduler without the
HTTP API (for a separate k8s Deployment; replicas stand by on advisory locks)."""

from opspact.leader import standalone_worker
from opspact.workers import run_workers

from ticketing.config import get_settings
from ticketing.sla.scheduler import SlaScheduler

settings = get_settings()
run_workers(settings, handlers={},
            extra=[standalone_worker(lambda db: SlaScheduler(db, settings.sla_tick_seconds))])
