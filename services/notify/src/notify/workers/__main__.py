"""`python -m notify.workers`: relay, consumer and sender without the HTTP API."""

from opspact.workers import run_workers

from notify.config import get_settings
from notify.notifications.handlers import HANDLERS
from notify.tables import shared
from notify.workers.sender import run_sender

settings = get_settings()
run_workers(settings, handlers=HANDLERS, inbox=shared.inbox,
            extra=[lambda db, stopping: run_sender(settings, db, stopping)])
