"""`python -m ticketing.workers`: the outbox relay and the SLA scheduler without the
HTTP API (for a separate k8s Deployment; replicas stand by on advisory locks)."""

import asyncio

from opspact.workers import run_workers

from ticketing.config import get_settings
from ticketing.sla.scheduler import SlaScheduler

settings = get_settings()


async def sla_scheduler(db, stopping: asyncio.Event) -> None:
    scheduler = SlaScheduler(db, settings.sla_tick_seconds)
    waiter = asyncio.create_task(stopping.wait())
    runner = asyncio.create_task(scheduler.run())
    await asyncio.wait([waiter, runner], return_when=asyncio.FIRST_COMPLETED)
    scheduler.stop()
    await runner


run_workers(settings, handlers={}, extra=[sla_scheduler])
