"""Transactional outbox: events are rows written in the same transaction as the change.

The relay publishes them to Kafka in commit order. One relay per service holds a
PostgreSQL advisory lock while it publishes, so per-key order survives several
replicas; the others wait as hot standbys. It is woken by LISTEN/NOTIFY and polls
as a fallback, so a lost notification only delays, never loses, an event.
"""

from __future__ import annotations

import asyncio
import functools
import json
import time
import zlib

import asyncpg
from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Identity,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession

from opspact import metrics, telemetry
from opspact.db.engine import asyncpg_connect_args
from opspact.events import CONTENT_TYPE, CloudEvent
from opspact.kafka import ensure_topics, make_producer
from opspact.supervise import keep_running
from opspact.testing.failpoints import failpoint

BATCH = 200
MEASURE_SECONDS = 1.0  # the backlog gauge is refreshed at most this often while busy


def outbox_table(metadata: MetaData) -> Table:
    # Infrastructure, not tenant data: the relay reads every tenant's rows, so
    # no RLS here; tenant_id is kept for tracing and for purging by tenant.
    return Table(
        "outbox", metadata,
        Column("seq", BigInteger, Identity(always=True), primary_key=True),
        Column("event_id", String(64), nullable=False, unique=True),
        Column("tenant_id", String(32), nullable=False),
        Column("topic", String(128), nullable=False),
        Column("key", String(200), nullable=False),
        Column("event_type", String(128), nullable=False),
        Column("payload", JSONB, nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Column("published_at", DateTime(timezone=True)),
        Column("attempts", Integer, nullable=False, server_default=text("0")),
        Column("last_error", Text),
    )


def notify_channel(schema: str) -> str:
    return f"{schema}_outbox"


async def add(session: AsyncSession, table: Table, event: CloudEvent) -> None:
    """Stage `event` in the caller's transaction; it is published only if that commits.

    One statement: the row and the relay's wake-up (delivered at commit only; the relay also
    polls, so it is a wake-up, not a guarantee). The payload goes as the event's own JSON
    text, cast by the server, rather than parsed here for the driver to encode again."""
    if event.traceparent is None:
        event.traceparent = telemetry.current_traceparent()
    await session.execute(_staging_sql(table.fullname), {
        "event_id": event.id, "tenant_id": event.tenantid, "topic": event.topic,
        "key": event.key(), "event_type": event.type, "payload": event.to_json(),
        "channel": notify_channel(table.schema)})


@functools.cache
def _staging_sql(qualified_table: str):
    return text(
        f"WITH staged AS (INSERT INTO {qualified_table} "
        "(event_id, tenant_id, topic, key, event_type, payload) VALUES (:event_id, :tenant_id, "
        ":topic, :key, :event_type, CAST(CAST(:payload AS text) AS jsonb)) RETURNING 1) "
        "SELECT pg_notify(:channel, '') FROM staged")


class OutboxRelay:
    def __init__(self, database_url: str, schema: str, bootstrap: str,
                 poll_seconds: float = 2.0, listen: bool = True) -> None:
        self.database_url = database_url
        self.schema = schema
        self.bootstrap = bootstrap
        self.poll_seconds = poll_seconds
        self.listen = listen
        self.lock_key = zlib.crc32(f"outbox-relay:{schema}".encode())
        self.published = 0
        self.leader = False
        self.last_error: str | None = None
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()

    @classmethod
    def for_service(cls, settings) -> OutboxRelay:
        return cls(settings.app_database_url, settings.service_name, settings.kafka_bootstrap,
                   settings.relay_poll_seconds, settings.relay_listen)

    def stop(self) -> None:
        self._stopping.set()
        self._wake.set()

    async def run(self) -> None:
        await keep_running(f"outbox relay ({self.schema})", self._run_connected, self._stopping,
                           self._failed, self._sleep)

    def _failed(self, error: str) -> None:
        self.last_error = error

    async def _sleep(self, seconds: float) -> None:
        try:
            await asyncio.wait_for(self._wake.wait(), timeout=seconds)
        except TimeoutError:
            pass
        self._wake.clear()

    async def _run_connected(self) -> None:
        conn = await asyncpg.connect(**asyncpg_connect_args(self.database_url))
        try:
            while not self._stopping.is_set():
                if await conn.fetchval("SELECT pg_try_advisory_lock($1)", self.lock_key):
                    break
                await self._sleep(self.poll_seconds)
            if self._stopping.is_set():
                return
            self.leader = True
            if self.listen:
                await conn.add_listener(notify_channel(self.schema), lambda *_: self._wake.set())
            await self._publish_loop(conn)
        finally:
            self.leader = False
            await conn.close()

    async def _publish_loop(self, conn: asyncpg.Connection) -> None:
        producer = make_producer(self.bootstrap)
        await producer.start()
        try:
            await ensure_topics(self.bootstrap, [f"{self.schema}.events"])
            measured = 0.0
            while not self._stopping.is_set():
                sent = await self._publish_batch(conn, producer)
                self.last_error = None
                if time.monotonic() - measured >= MEASURE_SECONDS or sent < BATCH:
                    await self._measure(conn)
                    measured = time.monotonic()
                if sent < BATCH:
                    await self._sleep(self.poll_seconds)
        finally:
            await producer.stop()

    async def _measure(self, conn: asyncpg.Connection) -> None:
        """The backlog as Prometheus sees it: rows waiting and the oldest one's age."""
        waiting, oldest = await conn.fetchrow(
            f"SELECT count(*), coalesce(extract(epoch FROM now() - min(created_at)), 0) "
            f"FROM {self.schema}.outbox WHERE published_at IS NULL")
        metrics.OUTBOX_BACKLOG.labels(self.schema).set(waiting)
        metrics.OUTBOX_OLDEST.labels(self.schema).set(float(oldest))

    async def _publish_batch(self, conn: asyncpg.Connection, producer) -> int:
        table = f"{self.schema}.outbox"
        error: Exception | None = None
        async with conn.transaction():
            rows = await conn.fetch(
                f"SELECT seq, topic, key, payload, event_type, tenant_id FROM {table} "
                f"WHERE published_at IS NULL "
                f"ORDER BY seq LIMIT {BATCH} FOR UPDATE SKIP LOCKED")
            if not rows:
                return 0
            seqs = [r["seq"] for r in rows]
            try:
                futures = [await producer.send(
                    r["topic"], value=_payload_bytes(r["payload"]), key=r["key"].encode(),
                    headers=_headers(r["payload"])) for r in rows]
                await asyncio.gather(*futures)
            except Exception as exc:  # kept unpublished; the attempt is recorded
                error = exc
                await conn.execute(
                    f"UPDATE {table} SET attempts = attempts + 1, last_error = $2 "
                    f"WHERE seq = ANY($1::bigint[])", seqs, f"{type(exc).__name__}: {exc}"[:500])
            else:
                failpoint("relay.after_publish")
                await conn.execute(
                    f"UPDATE {table} SET published_at = now(), attempts = attempts + 1, "
                    f"last_error = NULL WHERE seq = ANY($1::bigint[])", seqs)
        if error is not None:
            raise error
        self.published += len(rows)
        for row in rows:  # counted once committed as published
            metrics.EVENTS_PUBLISHED.labels(self.schema, row["event_type"], row["tenant_id"]).inc()
        return len(rows)


def _payload_bytes(payload) -> bytes:
    if isinstance(payload, str):  # asyncpg returns jsonb as text by default
        return payload.encode()
    return json.dumps(payload, ensure_ascii=False).encode()


def _headers(payload) -> list[tuple[str, bytes]]:
    event = json.loads(payload) if isinstance(payload, str) else payload
    headers = [("content-type", CONTENT_TYPE.encode())]
    if event.get("traceparent"):
        headers.append(("traceparent", event["traceparent"].encode()))
    return headers
