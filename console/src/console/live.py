"""Live updates: the services' events, read from the broker, told to the browsers of the
tenant they belong to as server-sent events.

The console reads with no consumer group and from the log's end: it keeps no offsets
(an update missed while it was down is made good by the page's own reload) and takes
nothing from the services' consumers. A browser learns only *which* ticket changed and
fetches the row itself, with its own token — what a person sees stays what the API lets
them see. A browser too slow to keep up is told to reload instead of being buffered for.

Streams are served by the console directly on its own path (the gateway forwards browser
paths with a stream's deadline, not the API's 30 s), end after `stream_seconds`, and the
browser's EventSource reconnects by itself."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import defaultdict
from collections.abc import AsyncIterator

from aiokafka import AIOKafkaConsumer

log = logging.getLogger(__name__)
QUEUE_SIZE = 200
HEARTBEAT_SECONDS = 15.0
RETRY_MILLISECONDS = 3000


class LiveFeed:
    def __init__(self, bootstrap: str, topics: list[str], fetch_max_wait_ms: int = 500) -> None:
        """`fetch_max_wait_ms`: as the services' consumers (CommonSettings): on Tansu a
        fetch is held that long, so it is the delay before a browser hears of a change."""
        self.bootstrap = bootstrap
        self.topics = topics
        self.fetch_max_wait_ms = fetch_max_wait_ms
        self.subscribers: dict[str, set[Subscriber]] = defaultdict(set)
        self.connected = False
        self._task: asyncio.Task | None = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="console-live-feed")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        while True:  # the broker may be down when the console starts, or go away
            consumer = AIOKafkaConsumer(*self.topics, bootstrap_servers=self.bootstrap,
                                        group_id=None, auto_offset_reset="latest",
                                        enable_auto_commit=False, metadata_max_age_ms=5000,
                                        fetch_max_wait_ms=self.fetch_max_wait_ms,
                                        client_id="opspact-console")
            try:
                await consumer.start()
                self.connected = True
                async for record in consumer:
                    self.publish(record.value)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - any broker trouble: wait, reconnect
                log.warning("live feed: %s; reconnecting", exc)
            finally:
                self.connected = False
                with contextlib.suppress(Exception):
                    await consumer.stop()
            await asyncio.sleep(2)

    def publish(self, raw: bytes) -> None:
        try:
            event = json.loads(raw)
            tenant, kind = event["tenantid"], event["type"]
        except (ValueError, KeyError, TypeError):
            return
        update = what_changed(kind, event.get("subject"), event.get("data") or {})
        if update is None:
            return
        for subscriber in list(self.subscribers.get(tenant, ())):
            subscriber.offer(update)

    @contextlib.contextmanager
    def subscribe(self, tenant: str):
        subscriber = Subscriber()
        self.subscribers[tenant].add(subscriber)
        try:
            yield subscriber
        finally:
            self.subscribers[tenant].discard(subscriber)


class Subscriber:
    """One browser's stream: its pending updates, and whether it fell too far behind."""

    def __init__(self) -> None:
        self.queue: asyncio.Queue = asyncio.Queue(QUEUE_SIZE)
        self.overflowed = False

    def offer(self, update: dict) -> None:
        try:
            self.queue.put_nowait(update)
        except asyncio.QueueFull:
            self.overflowed = True


def what_changed(kind: str, subject: str | None, data: dict) -> dict | None:
    """The browser's part of an event: which ticket, and whether it is new."""
    service, aggregate, action = (kind.split(".") + ["", "", ""])[:3]
    if service != "ticketing" or not subject:
        return None
    if aggregate == "ticket":
        return {"ticket": subject, "action": action}
    if aggregate == "sla":  # a clock warned or breached: the subject is its ticket
        return {"ticket": subject, "action": f"sla.{action}"}
    return None


async def event_stream(feed: LiveFeed, tenant: str, seconds: float) -> AsyncIterator[bytes]:
    loop = asyncio.get_running_loop()
    ends = loop.time() + seconds
    with feed.subscribe(tenant) as subscriber:
        yield f"retry: {RETRY_MILLISECONDS}\n: connected\n\n".encode()
        while (left := ends - loop.time()) > 0:
            if subscriber.overflowed:
                yield b"event: reload\ndata: {}\n\n"  # too far behind: the page reloads its rows
                return
            try:
                update = await asyncio.wait_for(subscriber.queue.get(), min(HEARTBEAT_SECONDS, left))
            except TimeoutError:
                yield b": heartbeat\n\n"  # keeps proxies from closing an idle stream
                continue
            yield f"event: ticket\ndata: {json.dumps(update)}\n\n".encode()
