"""`python -m <service>.workers`: the relay and consumer without the HTTP API, for
deployments that scale them apart from the web process (k8s `*-workers`)."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Callable

from opspact import logs, metrics, telemetry
from opspact.db import Database
from opspact.inbox import Handler, InboxConsumer
from opspact.outbox import OutboxRelay
from opspact.settings import ServiceSettings


async def _main(settings: ServiceSettings, handlers: dict[str, Handler], tables=None,
                extra: list[Callable] = ()) -> None:
    telemetry.setup(f"{settings.service_name}-workers", settings.otel_exporter)
    metrics.serve(settings.metrics_port, settings.metrics_host)
    db = Database(settings.app_database_url, settings.db_pool_size)
    workers = [OutboxRelay.for_service(settings)]
    if handlers and tables is not None:
        workers.append(InboxConsumer.for_service(db, tables, settings, handlers))
    stopping = asyncio.Event()

    def stop() -> None:
        stopping.set()
        for worker in workers:
            worker.stop()

    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop)
    try:
        await asyncio.gather(*(w.run() for w in workers), *(run(db, stopping) for run in extra))
    finally:
        await db.dispose()


def run_workers(settings: ServiceSettings, handlers: dict[str, Handler], tables=None,
                extra: list[Callable] = ()) -> None:
    """`extra`: coroutine functions `(db, stopping_event)` run beside the relay."""
    logs.configure(f"{settings.service_name}-workers", settings.log_format, settings.log_level)
    asyncio.run(_main(settings, handlers, tables, extra))
