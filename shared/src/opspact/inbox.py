"""Idempotent consumer: an inbox row per (consumer, event id), written in the same
transaction as the handler's effects; the Kafka offset is committed after the database.

A redelivered event finds its inbox row and changes nothing. An event the handler
keeps failing on is parked whole in the dead-letter table, announced, and replayable
(`opspact.deadletters`); its inbox row says `parked` and the partition moves on. A
message that is not an event at all (no tenant to park it under) is recorded as
`rejected` in the inbox with the error.
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

from opspact import deadletters, logs, metrics, telemetry
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
    def __init__(self, db: Database, tables, bootstrap: str, consumer: str,
                 handlers: dict[str, Handler], fetch_max_wait_ms: int = 500) -> None:
        """`tables`: the service's inbox, outbox and dead_letters (opspact.app.ServiceTables);
        `fetch_max_wait_ms`: see `CommonSettings.kafka_fetch_max_wait_ms`."""
        self.db = db
        self.tables = tables
        self.inbox: Table = tables.inbox
        self.bootstrap = bootstrap
        self.consumer = consumer
        self.handlers = handlers
        self.fetch_max_wait_ms = fetch_max_wait_ms
        self.topics = sorted({t.split(".", 1)[0] + ".events" for t in handlers})
        self.processed = 0
        self.parked = 0
        self._lag: dict = {}  # partition → messages behind, for the lag gauge
        self.resets = 0  # rebuilds after a lost log (shown on /readyz)
        self.last_error: str | None = None
        self._stopping = asyncio.Event()

    @classmethod
    def for_service(cls, db: Database, tables, settings, handlers: dict[str, Handler]) -> InboxConsumer:
        """The service's consumer as its settings describe it (opspact.settings.ServiceSettings)."""
        return cls(db, tables, settings.kafka_bootstrap, settings.service_name, handlers,
                   settings.kafka_fetch_max_wait_ms)

    def stop(self) -> None:
        self._stopping.set()

    async def run(self) -> None:
        await keep_running(f"consumer {self.consumer}", self._run_connected, self._stopping,
                           self._failed)

    def _failed(self, error: str) -> None:
        self.last_error = error

    async def _run_connected(self) -> None:
        await ensure_topics(self.bootstrap, self.topics)
        kafka = make_consumer(self.bootstrap, self.consumer, self.topics, self.fetch_max_wait_ms)
        await kafka.start()
        last_check = time.monotonic()
        watch = LostLogWatch()
        try:
            while not self._stopping.is_set():
                batches = await kafka.getmany(timeout_ms=500, max_records=100)
                if not batches and time.monotonic() - last_check > LOG_CHECK_SECONDS:
                    last_check = time.monotonic()
                    await self._check_log_intact(kafka, watch)
                for messages in batches.values():
                    for message in messages:
                        await self._handle_with_retry(message)
                        failpoint("consumer.after_db_commit")
                if batches:
                    await self._commit_offsets(kafka, batches, watch)
                self._report_lag(kafka, batches)
                self.last_error = None
        finally:
            await kafka.stop()

    async def _commit_offsets(self, kafka, batches, watch: LostLogWatch) -> None:
        """One offset commit for the whole fetch, after every message in it is in the
        database. A crash before it delivers those messages again, and the inbox answers
        each as a duplicate; a commit per message cost a broker round trip per event."""
        offsets = {TopicPartition(tp.topic, tp.partition): messages[-1].offset + 1
                   for tp, messages in batches.items()}
        await kafka.commit(offsets)
        for partition, offset in offsets.items():
            watch.committed(partition, offset)

    def _report_lag(self, kafka, batches) -> None:
        """Messages behind the end of each topic, from the high-water marks the last fetch
        brought (an empty fetch: caught up)."""
        for tp, messages in batches.items():
            self._lag[tp] = max(0, (kafka.highwater(tp) or 0) - (messages[-1].offset + 1))
        if not batches:
            self._lag = dict.fromkeys(self._lag, 0)
        for topic in {tp.topic for tp in self._lag}:
            metrics.CONSUMER_LAG.labels(self.consumer, topic).set(
                sum(lag for tp, lag in self._lag.items() if tp.topic == topic))

    async def _check_log_intact(self, kafka, watch: LostLogWatch) -> None:
        """Start over with a fresh consumer when the broker has lost its log (the in-memory
        dev broker forgets everything on restart; a real Kafka keeps it). The inbox makes any
        re-read harmless, but a rebuild costs seconds of delay, so only a lost log counts."""
        assigned = list(kafka.assignment())
        ends = await kafka.end_offsets(assigned) if assigned else {}
        readings = {tp: (ends[tp], await kafka.committed(tp)) for tp in assigned}
        reason = watch.check(readings)
        if reason:
            self.resets += 1
            raise BrokerReset(reason)

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
        counted = metrics.EVENTS_CONSUMED
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                outcome = await self._handle(event, handler, message.headers)
                counted.labels(self.consumer, message.topic, outcome).inc()
                return
            except Exception as exc:
                counted.labels(self.consumer, message.topic, "failed").inc()
                if attempt == MAX_ATTEMPTS:
                    log.exception("consumer %s parks event %s (%s)", self.consumer, event.id,
                                  event.type)
                    await self._park(event, repr(exc))
                    counted.labels(self.consumer, message.topic, "parked").inc()
                    return
                await asyncio.sleep(0.2 * 2 ** attempt)

    async def _handle(self, event: CloudEvent, handler: Handler | None, headers) -> str:
        """handled, ignored (no handler for the type) or duplicate (seen before)."""
        token = otel_context.attach(telemetry.extract(headers or []))
        logs.TENANT.set(event.tenantid)
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
                        return "duplicate"  # seen before: the effects are already committed
                    if handler is not None:
                        await handler(session, event)
                self.processed += 1
                return "handled" if handler is not None else "ignored"
        finally:
            otel_context.detach(token)

    async def _park(self, event: CloudEvent, error: str) -> None:
        async with self.db.unit_of_work(event.tenantid) as session:
            await session.execute(pg_insert(self.inbox).values(
                consumer=self.consumer, event_id=event.id, tenant_id=event.tenantid,
                event_type=event.type, status="parked", error=error[:2000],
            ).on_conflict_do_nothing())
            await deadletters.park(session, self.tables, self.consumer, event, error)
        self.parked += 1

    async def _record_rejected(self, event_id: str, tenant_id: str | None,
                               event_type: str | None, error: str) -> None:
        async with self.db.unit_of_work() as session:
            await session.execute(pg_insert(self.inbox).values(
                consumer=self.consumer, event_id=event_id[:64], tenant_id=tenant_id,
                event_type=event_type, status="rejected", error=error[:2000],
            ).on_conflict_do_nothing())


class LostLogWatch:
    """Decides from the broker's answers that it has lost the log this consumer reads.

    Signs of a lost log: no partition assigned; a partition's end offset lower than seen
    before; our group's committed offset gone or lower than what we committed. Not a sign:
    a position past the end offset — Tansu reports as the end the start of the last batch
    plus one, so a consumer that read a batch of n records stands n - 1 past it (the
    restarts for nothing of issue 21). Each sign must be seen on `confirmations` checks in a
    row (a moving log, a group rebalancing, can look odd for one look)."""

    def __init__(self, confirmations: int = 2, unassigned_checks: int = 3) -> None:
        self.confirmations, self.unassigned_checks = confirmations, unassigned_checks
        self._ours: dict = {}
        self._ends: dict = {}
        self._suspect = self._unassigned = 0

    def committed(self, tp, offset: int) -> None:
        self._ours[tp] = offset

    def check(self, readings: dict) -> str | None:
        """`readings`: partition -> (end offset, the group's committed offset or None)."""
        if not readings:
            self._unassigned += 1
            return "no partitions assigned" if self._unassigned >= self.unassigned_checks else None
        self._unassigned = 0
        signs = []
        for tp, (end, committed) in readings.items():
            seen_end, ours = self._ends.get(tp, 0), self._ours.get(tp)
            if end < seen_end:
                signs.append(f"{tp.topic}/{tp.partition}: end {end}, was {seen_end}")
            if ours is not None and (committed is None or committed < ours):
                signs.append(f"{tp.topic}/{tp.partition}: committed {committed}, we committed {ours}")
        if not signs:
            self._suspect = 0
            self._ends.update({tp: end for tp, (end, _) in readings.items()})
            return None
        self._suspect += 1
        log.warning("log looks lost (%d of %d): %s", self._suspect, self.confirmations,
                    "; ".join(signs))
        return f"log lost: {'; '.join(signs)}" if self._suspect >= self.confirmations else None
