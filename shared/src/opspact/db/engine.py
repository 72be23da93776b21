"""One engine per process; sessions are units of work committed by their owner only."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from opspact.db.tenant import TenantBindingConnection, bind_tenant, forget_binding


def asyncpg_connect_args(url: str) -> dict[str, Any]:
    """Translate a SQLAlchemy URL into `asyncpg.connect` keyword arguments."""
    u = make_url(url)
    args: dict[str, Any] = {"user": u.username, "database": u.database}
    if u.password:
        args["password"] = u.password
    host = u.query.get("host") or u.host
    if host:
        args["host"] = host if isinstance(host, str) else host[0]
    if u.port:
        args["port"] = u.port
    return args


# A pooled connection older than this is replaced at its next checkout, so a connection a
# firewall or load balancer dropped without a word does not live on (their idle limits are
# usually 15 min or more).
RECYCLE_SECONDS = 600


class Database:
    def __init__(self, url: str, pool_size: int = 10) -> None:
        self.url = url
        # No `pool_pre_ping`: on asyncpg it costs three round trips (BEGIN, an empty query,
        # ROLLBACK) before every unit of work — a sixth of a hook's statements. The checkout
        # check below costs none and catches what matters in practice: a connection the
        # server closed (restart, failover, pg_terminate_backend) is seen closed by asyncpg
        # as soon as the server's goodbye arrives, and the pool replaces it.
        self.engine: AsyncEngine = create_async_engine(
            url, pool_size=pool_size, max_overflow=pool_size, pool_recycle=RECYCLE_SECONDS,
            connect_args={"connection_class": TenantBindingConnection},
        )
        event.listen(self.engine.sync_engine.pool, "checkout", _refuse_closed_connection)
        event.listen(self.engine.sync_engine.pool, "checkin", forget_binding)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)

    @asynccontextmanager
    async def unit_of_work(self, tenant_id: str | None = None) -> AsyncIterator[AsyncSession]:
        """The only place that commits: everything inside is one transaction."""
        async with self.sessions() as session, session.begin():
            if tenant_id is not None:
                await bind_tenant(session, tenant_id)
            yield session

    async def ping(self) -> None:
        async with self.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

    async def dispose(self) -> None:
        await self.engine.dispose()


def _refuse_closed_connection(dbapi_connection, connection_record, connection_proxy) -> None:
    """Pool checkout hook: a connection the server has closed is not handed out (the pool
    drops it and takes or opens another, up to three times)."""
    if dbapi_connection.driver_connection.is_closed():
        raise DisconnectionError("the server closed this pooled connection")
