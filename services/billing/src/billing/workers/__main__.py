"""`python -m billing.workers`: the outbox relay, the damages consumer and the milestone
watch without the HTTP API."""

from opspact.workers import run_workers

from billing.config import get_settings
from billing.ledger.service import HANDLERS
from billing.tables import shared
from billing.watch import standalone_watch

settings = get_settings()
run_workers(settings, handlers=HANDLERS, tables=shared,
            extra=[standalone_watch(settings)] if settings.watch_enabled else [])
