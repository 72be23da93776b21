"""`python -m notify.workers`: relay, consumer, sender and escalation watch without the HTTP API."""

from opspact.leader import standalone_worker
from opspact.workers import run_workers

from notify.config import get_settings
from notify.escalation import EscalationWatch
from notify.notifications.handlers import HANDLERS
from notify.receipts.watch import ReceiptWatch
from notify.tables import shared
from notify.workers.sender import run_sender

settings = get_settings()
extra = [lambda db, stopping: run_sender(settings, db, stopping)]
if settings.notify_escalation_enabled:
    extra.append(standalone_worker(lambda db: EscalationWatch(db, settings.notify_escalation_tick_seconds)))
if settings.notify_receipts_enabled:
    extra.append(standalone_worker(lambda db: ReceiptWatch(db, settings)))
run_workers(settings, handlers=HANDLERS, tables=shared, extra=extra)
