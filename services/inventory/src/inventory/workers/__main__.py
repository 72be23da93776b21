"""`python -m inventory.workers`: the outbox relay and the watch without the HTTP API."""

from opspact.workers import run_workers

from inventory.config import get_settings
from inventory.watch import standalone_watch

settings = get_settings()
run_workers(settings, handlers={}, extra=[standalone_watch(settings)] if settings.watch_enabled else [])
