"""`python -m billing.workers`: the outbox relay and the damages consumer without the HTTP API."""

from opspact.workers import run_workers

from billing.config import get_settings
from billing.ledger.service import HANDLERS
from billing.tables import shared

run_workers(get_settings(), handlers=HANDLERS, inbox=shared.inbox)
