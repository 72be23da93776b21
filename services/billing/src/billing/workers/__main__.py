"""`python -m billing.workers`: the outbox relay without the HTTP API."""

from opspact.workers import run_workers

from billing.config import get_settings

run_workers(get_settings(), handlers={})
