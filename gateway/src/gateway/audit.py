"""The audit log: every state-changing request and every refused one — who, tenant,
what, outcome, request id — appended to a hash chain in PostgreSQL (see
opspact.auditchain; `opspact audit verify` checks it). Appends from all gateway
replicas are serialised by a transaction-scoped advisory lock so the chain stays
one line."""

from __future__ import annotations

import asyncio
import json
import logging
import math
import time
import zlib
from datetime import UTC, datetime

import asyncpg
from opspact.auditchain import GENESIS, canonical, chain_hash
from opspact.db import asyncpg_connect_args
from opspact.errors import TooManyRequests, problem_of
from sqlalchemy import BigInteger, Column, DateTime, MetaData, String, Table, Text, func

from gateway.ratelimit import Buckets

log = logging.getLogger(__name__)
metadata = MetaData(schema="gateway")
audit_log = Table(
    "audit_log", metadata,
    Column("position", BigInteger, primary_key=True, autoincrement=False),
    Column("at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("entry", Text, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False, unique=True),
)
LOCK_KEY = zlib.crc32(b"gateway-audit-chain")
AUDITED_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
REFUSALS = {401, 403, 429}
# Anonymous refusals (no verified identity: a bad or missing token, a wrong hook
# signature) are what a flood is made of. Written one by one, each took the chain's lock
# and a legitimate audited POST waited behind hundreds of them (4.5 → 33.5 ms). Instead:
# they are queued and appended in batches (one lock per batch, every BATCH_SECONDS); past
# their rate per client address (setting gateway_anonymous_refusal_rate) they are answered
# 429 and only counted — one summary entry per address every SUMMARY_SECONDS names how many
# were throttled.
BATCH_SECONDS = 0.5
SUMMARY_SECONDS = 10.0
MAX_QUEUED = 5_000


class AuditLog:
    def __init__(self, database_url: str, anonymous_rate: tuple[float, float]) -> None:
        self.database_url = database_url
        self.pool: asyncpg.Pool | None = None
        self.written = 0
        self.failed = 0
        self.anonymous = Buckets(*anonymous_rate)
        self._queued: list[dict] = []
        self._throttled: dict[str, dict] = {}  # client address → count, first, last, sample
        self._batcher: asyncio.Task | None = None
        self._summarised_at = time.monotonic()

    async def start(self) -> None:
        self.pool = await asyncpg.create_pool(**asyncpg_connect_args(self.database_url),
                                              min_size=1, max_size=4)
        self._batcher = asyncio.create_task(self._write_batches(), name="audit-batches")

    async def stop(self) -> None:
        if self._batcher is not None:
            self._batcher.cancel()
            await asyncio.gather(self._batcher, return_exceptions=True)
            await self.flush()
        if self.pool is not None:
            await self.pool.close()

    async def append(self, entry: dict) -> None:
        await self._write([entry])

    def append_anonymous(self, entry: dict) -> None:
        """Queue a refusal of an unidentified caller for the next batch."""
        if len(self._queued) < MAX_QUEUED:
            self._queued.append(entry)
        else:
            self.count_throttled(entry)

    def count_throttled(self, entry: dict) -> None:
        seen = self._throttled.get(entry["client"])
        if seen is None:
            if len(self._throttled) >= MAX_QUEUED:  # a spray of addresses: one line for the rest
                entry = {**entry, "client": "*"}
                seen = self._throttled.get("*")
            if seen is None:
                seen = self._throttled[entry["client"]] = {"count": 0, "first": entry["at"],
                                                           "sample": entry}
        seen["count"] += 1
        seen["last"] = entry["at"]

    async def flush(self, summaries: bool = True) -> None:
        """Write the queued refusals, and (when asked) one summary per throttled address."""
        batch, self._queued = self._queued, []
        if summaries:
            throttled, self._throttled = self._throttled, {}
            batch += [_summary(client, seen) for client, seen in throttled.items()]
            self._summarised_at = time.monotonic()
        if batch:
            await self._write(batch)

    async def _write_batches(self) -> None:
        while True:
            await asyncio.sleep(BATCH_SECONDS)
            await self.flush(summaries=time.monotonic() - self._summarised_at >= SUMMARY_SECONDS)

    async def _write(self, entries: list[dict]) -> None:
        texts = [canonical(e) for e in entries]
        try:
            async with self.pool.acquire() as conn, conn.transaction():
                await conn.execute("SELECT pg_advisory_xact_lock($1)", LOCK_KEY)
                head = await conn.fetchrow("SELECT position, hash FROM gateway.audit_log "
                                           "ORDER BY position DESC LIMIT 1")
                position, prev = (head["position"], head["hash"]) if head else (0, GENESIS)
                rows = []
                for text in texts:
                    position, digest = position + 1, chain_hash(prev, text)
                    rows.append((position, text, prev, digest))
                    prev = digest
                await conn.executemany(
                    "INSERT INTO gateway.audit_log (position, entry, prev_hash, hash) "
                    "VALUES ($1, $2, $3, $4)", rows)
            self.written += len(texts)
        except Exception as exc:  # the request already happened: say so loudly, count it
            self.failed += len(texts)
            for text in texts:
                log.error("audit entry NOT written (%s): %s", exc, text)


def _summary(client: str, seen: dict) -> dict:
    sample = seen["sample"]
    return {**sample, "request_id": "", "client": client, "status": 429, "outcome": "refused",
            "count": seen["count"],
            "reason": f"{seen['count']} refused attempt(s) of an unidentified caller throttled "
                      f"from {seen['first']} to {seen['last']} (latest path shown)"}


class AuditTrail:
    """ASGI middleware: one audit entry per state-changing or refused request.

    Successful answers are recorded when their status is known (before the body
    streams); refusals and errors once their problem body (small) names the reason.
    The handlers put the principal in the request state (and the token's subject as soon
    as it is verified); before that the actor is `anonymous`, and without a principal the
    tenant is empty (a tenant the request merely claimed is not recorded as one). Refusals
    of anonymous callers go in batches and, past their rate per client address, become 429s
    counted in a summary (see AuditLog)."""

    def __init__(self, app, log_: AuditLog | None) -> None:
        self.app = app
        self.log = log_

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or self.log is None:
            return await self.app(scope, receive, send)
        status: int | None = None
        problem = bytearray()
        throttled = False

        async def recording(message):
            nonlocal status, throttled
            if message["type"] == "http.response.start":
                status = message["status"]
                if status in REFUSALS and _anonymous(scope):
                    wait = self.log.anonymous.take(_client(scope))
                    if wait > 0:
                        throttled = True
                        self.log.count_throttled(entry(scope, 429, ""))
                        return await _too_many(scope, send, wait)
                if status < 400 and scope["method"] in AUDITED_METHODS:
                    await self.log.append(entry(scope, status, ""))
            elif throttled:
                return
            elif message["type"] == "http.response.body" and _audited_error(scope, status):
                problem.extend(message.get("body", b"")[:4096])
                if not message.get("more_body"):
                    record = entry(scope, status, _detail(bytes(problem)))
                    if _anonymous(scope):
                        self.log.append_anonymous(record)
                    else:
                        await self.log.append(record)
            await send(message)

        await self.app(scope, receive, recording)


def _anonymous(scope) -> bool:
    state = scope.get("state", {})
    return state.get("principal") is None and state.get("subject") is None


def _client(scope) -> str:
    return (scope.get("client") or ("", 0))[0]


async def _too_many(scope, send, wait: float) -> None:
    """Answer 429 in place of the refusal the app was about to send (its body is dropped)."""
    response = problem_of(TooManyRequests("too many refused attempts from this address; "
                                          "try again later", retry_after=max(1, math.ceil(wait))),
                          scope.get("path", ""))
    await response(scope, None, send)


def _audited_error(scope, status: int | None) -> bool:
    return status is not None and status >= 400 and (
        scope["method"] in AUDITED_METHODS or status in REFUSALS)


def entry(scope, status: int, reason: str) -> dict:
    state = scope.get("state", {})
    principal = state.get("principal")
    headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
    return {
        "at": datetime.now(UTC).isoformat(timespec="milliseconds"),
        "request_id": headers.get("x-request-id") or state.get("request_id", ""),
        "actor": principal.subject if principal else state.get("subject") or "anonymous",
        "roles": list(principal.roles) if principal else [],
        "tenant": principal.tenant if principal else "",  # verified identities only
        "method": scope["method"], "path": scope["path"],
        "client": _client(scope),
        "status": status,
        "outcome": "ok" if status < 400 else "refused" if status in REFUSALS else "failed",
        "reason": reason,
    }


def _detail(body: bytes) -> str:
    try:
        return str(json.loads(body).get("detail", ""))[:500]
    except (ValueError, AttributeError):
        return ""
