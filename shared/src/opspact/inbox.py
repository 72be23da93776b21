"""Idempotent consumer: an inbox row per (consumer, event id), written in the same
transaction as the handler's effects; the Kafka offset is committed after the database.

A redelivered event finds its inbox row and changes nothing. An event the handler
keeps failing on is recorded as `rejected` with the error (never silently dropped)
and the partition moves on.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

from aiokafka.structs import TopicPartition
from opentelemetry import context as otel_context
from sqlalchemy import Column, DateTime, MetaData, String, Table, Text, func
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from opspact import telemetry
from opspact.db.engine import Database
from opspact.events import CloudEvent
from opspact.kafka import ensure_topics, make_consumer
from opspact.supervise import keep_running
from opspact.testing.failpoints import failpoint

log = logging.getLogger(__name__)
Handler = Callable[[AsyncSession, CloudEvent], Awaitable[None]]
MAX_ATTEMPTS = 5
LOG_CHECK_SECONDS = 3.0


def inbox_table(metadata: MetaData) -> Table:
    # Not under RLS: dedup must see every tenant's rows to be a dedup at all.
    return Table(
        "inbox", metadata,
        Column("consumer", String(64), primary_key=True),
        Column("event_id", String(64), primary_key=True),
        Column("tenant_id", String(32)),
        Column("event_type", String(128)),
        Column("status", String(16), nullable=False),
        Column("error", Text),
        Column("received_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    )


class BrokerReset(Exception):
    """The broker no longer has the log this consumer was reading."""


class InboxConsumer:
    def __init__(self, db: Database, inbox: Table, bootstrap: str, consumer: str,
                 handlers: dict[str, Handler]) -> None:
        self.db = db
        self.inbox = inbox
        self.bootstrap = bootstrap
        self.consumer = consumer
        self.handlers = handlers
        self.topics = sorted({t.split(".", 1)[0] + ".events" for t in handlers})
        self.processed = 0
        self.last_error: str | None = None
        self._stopping = asyncio.Event()

    def stop(self) -> None:
        self._stopping.set()

    async def run(self) -> None:
        await keep_running(f"consumer {self.consumer}", self._run_connected, self._stopping,
                           self._failed)

    def _failed(self, error: str) -> None:
        self.last_error = error

    async def _run_connected(self) -> None:
        await ensure_topics(self.bootstrap, self.topics)
        kafka = make_consumer(self.bootstrap, self.consumer, self.topics)
        await kafka.start()
        last_check = time.monotonic()
        seen_ends: dict = {}
        self._unassigned_checks = self._suspect_checks = 0
        try:
            while not self._stopping.is_set():
                batches = await kafka.getmany(timeout_ms=500, max_records=100)
                if not batches and time.monotonic() - last_check > LOG_CHECK_SECONDS:
                    last_check = time.monotonic()
                    await self._check_log_intact(kafka, seen_ends)
                for tp, messages in batches.items():
                    for message in messages:
                        await self._handle_with_retry(message)
                        failpoint("consumer.after_db_commit")
                        await kafka.commit({TopicPartition(tp.topic, tp.partition): message.offset + 1})
                self.last_error = None
        finally:
            await kafka.stop()

    async def _check_log_intact(self, kafka, seen_ends: dict) -> None:
        """Start over with a fresh consumer when the broker has lost its log: an end
        offset that went down, a position past the end, or no partitions assigned.
        A real Kafka keeps its log (and answers OffsetOutOfRange); the in-memory dev
        broker forgets everything on restart. The inbox makes any re-read harmless."""
        assigned = list(kafka.assignment())
        if not assigned:
            self._unassigned_checks += 1
            if self._unassigned_checks >= 3:
                raise BrokerReset("no partitions assigned")
            return
        self._unassigned_checks = 0
        ends = await kafka.end_offsets(assigned)
        shorter = []
        for tp in assigned:
            position, was = await kafka.position(tp), seen_ends.get(tp, 0)
            if ends[tp] < was or position > ends[tp]:
                shorter.append(f"{tp.topic}/{tp.partition}: end {ends[tp]}, was {was}, "
                               f"position {position}")
        if not shorter:
            self._suspect_checks = 0
            seen_ends.update(ends)
            return
        # A lost log stays lost; a moving log can look short for one look (the end
        # offsets and the position are read at different moments). Look twice.
        self._suspect_checks += 1
        log.warning("consumer %s: log looks shorter (%d): %s", self.consumer,
                    self._suspect_checks, "; ".join(shorter))
        if self._suspect_checks >= 2:
            raise BrokerReset(f"log shorter than before: {'; '.join(shorter)}")

    async def _handle_with_retry(self, message) -> None:
        try:
            event = CloudEvent.from_bytes(message.value)
        except Exception as exc:
            log.error("consumer %s: undecodable message at %s/%s: %s", self.consumer,
                      message.partition, message.offset, exc)
            await self._record_rejected(f"kafka:{message.topic}:{message.partition}:"
                                        f"{message.offset}", None, None, f"undecodable: {exc}")
            return
        handler = self.handlers.get(event.type)
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                await self._handle(event, handler, message.headers)
                return
            except Exception as exc:
                if attempt == MAX_ATTEMPTS:
                    log.exception("consumer %s gives up on event %s", self.consumer, event.id)
                    await self._record_rejected(event.id, event.tenantid, event.type, repr(exc))
                    return
                await asyncio.sleep(0.2 * 2 ** attempt)

    async def _handle(self, event: CloudEvent, handler: Handler | None, headers) -> None:
        token = otel_context.attach(telemetry.extract(headers or []))
        try:
            with telemetry.tracer(__name__).start_as_current_span(f"consume {event.type}"):
                async with self.db.unit_of_work(event.tenantid) as session:
                    fresh = await session.execute(
                        pg_insert(self.inbox).values(
                            consumer=self.consumer, event_id=event.id, tenant_id=event.tenantid,
                            event_type=event.type,
                            status="processed" if handler else "ignored",
                        ).on_conflict_do_nothing().returning(self.inbox.c.event_id))
                    if fresh.first() is None:
                        return  # seen before: the effects are already committed
                    if handler is not None:
                        await handler(session, event)
                self.processed += 1
        finally:
            otel_context.detach(token)

    async def _record_rejected(self, event_id: str, tenant_id: str | None,
                               event_type: str | None, error: str) -> None:
        async with self.db.unit_of_work() as session:
            await session.execute(pg_insert(self.inbox).values(
                consumer=self.consumer, event_id=event_id[:64], tenant_id=tenant_id,
                event_type=event_type, status="rejected", error=error[:2000],
            ).on_conflict_do_nothing())
