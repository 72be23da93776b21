"""`python -m ticketing.workers`: the outbox relay alone (for a separate k8s Deployment)."""

from opspact.workers import run_workers

from ticketing.config import get_settings

run_workers(get_settings(), handlers={})
