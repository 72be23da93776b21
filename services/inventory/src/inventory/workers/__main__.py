"""`python -m inventory.workers`: the outbox relay without the HTTP API."""

from opspact.workers import run_workers

from inventory.config import get_settings

run_workers(get_settings(), handlers={})
