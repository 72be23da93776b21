"""The loop every background worker runs: do the work; when it fails (database or
broker gone), record why, wait, and start again — until asked to stop."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)
BACKOFF_SECONDS = 2.0


async def keep_running(name: str, attempt: Callable[[], Awaitable[None]], stopping: asyncio.Event,
                       on_error: Callable[[str], None],
                       sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
    """`on_error` receives "Type: message" (workers show it on /readyz); `sleep` may be the
    worker's own, woken early on stop."""
    while not stopping.is_set():
        try:
            await attempt()
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}"
            on_error(error)
            log.warning("%s restarting: %s", name, error)
            await sleep(BACKOFF_SECONDS)
