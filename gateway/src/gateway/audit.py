"""The audit log: every state-changing request and every refused one — who, tenant,
what, outcome, request id — appended to a hash chain in PostgreSQL (see
opspact.auditchain; `opspact audit verify` checks it). Appends from all gateway
replicas are serialised by a transaction-scoped advisory lock so the chain stays
one line."""

from __future__ import annotations

import json
import logging
import zlib
from datetime import UTC, datetime

import asyncpg
from opspact.auditchain import GENESIS, canonical, chain_hash
from opspact.db import asyncpg_connect_args
from sqlalchemy import BigInteger, Column, DateTime, MetaData, String, Table, Text, func

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
class AuditLog:
    def __init__(self, database_url: str) -> None:
        self.database_url = database_url
        self.pool: asyncpg.Pool | None = None
        self.written = 0
        self.failed = 0

    async def start(self) -> None:
        self.pool = await asyncpg.create_pool(**asyncpg_connect_args(self.database_url),
                                              min_size=1, max_size=4)

    async def stop(self) -> None:
        if self.pool is not None:
            await self.pool.close()

    async def append(self, entry: dict) -> None:
        text = canonical(entry)
        try:
            async with self.pool.acquire() as conn, conn.transaction():
                await conn.execute("SELECT pg_advisory_xact_lock($1)", LOCK_KEY)
                head = await conn.fetchrow("SELECT position, hash FROM gateway.audit_log "
                                           "ORDER BY position DESC LIMIT 1")
                position, prev = (head["position"] + 1, head["hash"]) if head else (1, GENESIS)
                await conn.execute(
                    "INSERT INTO gateway.audit_log (position, entry, prev_hash, hash) "
                    "VALUES ($1, $2, $3, $4)", position, text, prev, chain_hash(prev, text))
            self.written += 1
        except Exception as exc:  # the request already happened: say so loudly, count it
            self.failed += 1
            log.error("audit entry NOT written (%s): %s", exc, text)


class AuditTrail:
    """ASGI middleware: one audit entry per state-changing or refused request.

    Successful answers are recorded when their status is known (before the body
    streams); refusals and errors once their problem body (small) names the reason.
    The handlers put the principal in the request state; before authentication the
    actor is `anonymous` and the tenant the one the request claimed."""

    def __init__(self, app, log_: AuditLog | None) -> None:
        self.app = app
        self.log = log_

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or self.log is None:
            return await self.app(scope, receive, send)
        status: int | None = None
        problem = bytearray()

        async def recording(message):
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                if status < 400 and scope["method"] in AUDITED_METHODS:
                    await self.log.append(entry(scope, status, ""))
            elif message["type"] == "http.response.body" and _audited_error(scope, status):
                problem.extend(message.get("body", b"")[:4096])
                if not message.get("more_body"):
                    await self.log.append(entry(scope, status, _detail(bytes(problem))))
            await send(message)

        await self.app(scope, receive, recording)


def _audited_error(scope, status: int | None) -> bool:
    return status is not None and status >= 400 and (
        scope["method"] in AUDITED_METHODS or status in REFUSALS)


def entry(scope, status: int, reason: str) -> dict:
    principal = scope.get("state", {}).get("principal")
    headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
    claimed = headers.get("x-opspact-tenant") or _hook_tenant(scope["path"])
    return {
        "at": datetime.now(UTC).isoformat(timespec="milliseconds"),
        "request_id": headers.get("x-request-id") or scope.get("state", {}).get("request_id", ""),
        "actor": principal.subject if principal else "anonymous",
        "roles": list(principal.roles) if principal else [],
        "tenant": principal.tenant if principal else claimed,
        "method": scope["method"], "path": scope["path"],
        "client": (scope.get("client") or ("", 0))[0],
        "status": status,
        "outcome": "ok" if status < 400 else "refused" if status in REFUSALS else "failed",
        "reason": reason,
    }


def _hook_tenant(path: str) -> str:
    parts = path.strip("/").split("/")
    return parts[1] if len(parts) >= 2 and parts[0] in ("hooks", "callbacks") else ""


def _detail(body: bytes) -> str:
    try:
        return str(json.loads(body).get("detail", ""))[:500]
    except (ValueError, AttributeError):
        return ""
