"""Dead letters: an event a consumer could not apply is parked, never dropped.

After the inbox consumer's last attempt the event is written whole to the service's
`dead_letters` table (with the error), and `<service>.event.parked.v1` goes out through
the outbox in the same transaction, so the damages a tenant is owed are visible, not lost
in a log line. Once the cause is fixed (a bad row corrected, a bug deployed away)
`POST /dead-letters/{id}/replay` (`opspact events replay`) applies it exactly as the
consumer would have: the handler, the inbox row and the letter's state in one transaction.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, Field
from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Identity,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from opspact import outbox
from opspact.errors import Conflict, NotFound
from opspact.events import CloudEvent, new_event

log = logging.getLogger(__name__)
MAX_ERROR = 4000


def dead_letters_table(metadata: MetaData) -> Table:
    # Under RLS like tenant data: a tenant's manager lists and replays its own letters.
    return Table(
        "dead_letters", metadata,
        Column("id", BigInteger, Identity(always=True), primary_key=True),
        Column("consumer", String(64), nullable=False),
        Column("event_id", String(64), nullable=False),
        Column("tenant_id", String(32), nullable=False),
        Column("event_type", String(128), nullable=False),
        Column("event", JSONB, nullable=False),
        Column("error", Text, nullable=False),
        Column("status", String(16), nullable=False),  # parked | replayed
        Column("parked_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Column("replayed_at", DateTime(timezone=True)),
        Column("replayed_by", String(200)),
        UniqueConstraint("consumer", "event_id"),
    )


def create_dead_letters_table(op, schema: str) -> None:
    """The migration every service with a consumer runs (same columns as above)."""
    import sqlalchemy as sa

    from opspact.db.migrations import enable_tenant_rls
    op.create_table(
        "dead_letters",
        sa.Column("id", sa.BigInteger, sa.Identity(always=True), primary_key=True),
        sa.Column("consumer", sa.String(64), nullable=False),
        sa.Column("event_id", sa.String(64), nullable=False),
        sa.Column("tenant_id", sa.String(32), nullable=False),
        sa.Column("event_type", sa.String(128), nullable=False),
        sa.Column("event", JSONB, nullable=False),
        sa.Column("error", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("parked_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("replayed_at", sa.DateTime(timezone=True)),
        sa.Column("replayed_by", sa.String(200)),
        sa.UniqueConstraint("consumer", "event_id"),
        schema=schema,
    )
    op.create_index("dead_letters_parked", "dead_letters", ["tenant_id", "id"], schema=schema,
                    postgresql_where=sa.text("status = 'parked'"))
    enable_tenant_rls(op, f"{schema}.dead_letters")


async def park(session: AsyncSession, tables, consumer: str, event: CloudEvent, error: str) -> None:
    """Park `event` (the session is bound to its tenant) and announce it."""
    fresh = await session.execute(pg_insert(tables.dead_letters).values(
        consumer=consumer, event_id=event.id, tenant_id=event.tenantid, event_type=event.type,
        event=event.model_dump(mode="json"), error=error[:MAX_ERROR], status="parked",
    ).on_conflict_do_nothing().returning(tables.dead_letters.c.id))
    letter_id = fresh.scalar()
    if letter_id is None:
        return  # parked before (a redelivery after a crash)
    service = tables.metadata.schema
    await outbox.add(session, tables.outbox, new_event(
        service, "event", "parked", event.tenantid, str(letter_id), {
            "id": letter_id, "consumer": consumer, "event_id": event.id,
            "event_type": event.type, "error": error[:500]}))


class DeadLetterOut(BaseModel):
    id: int
    consumer: str
    event_id: str
    event_type: str
    error: str
    status: Literal["parked", "replayed"]
    parked_at: datetime
    replayed_at: datetime | None
    replayed_by: str | None
    event: dict[str, Any] = Field(description="the CloudEvent as the consumer received it")


class DeadLetterPage(BaseModel):
    items: list[DeadLetterOut]
    total: int
    limit: int
    offset: int


def dead_letter_router(tables, handlers: dict, current_principal, session_dependency) -> APIRouter:
    from opspact.permissions import require
    router = APIRouter(tags=["dead letters"])
    letters = tables.dead_letters

    def out(row) -> DeadLetterOut:
        return DeadLetterOut(**{c: row[c] for c in DeadLetterOut.model_fields})

    @router.get("/dead-letters", response_model=DeadLetterPage)
    async def list_dead_letters(status: Literal["parked", "replayed", "all"] = "parked",
                                limit: int = Query(default=50, ge=1, le=500),
                                offset: int = Query(default=0, ge=0, le=10**6),
                                principal=Depends(current_principal),
                                session: AsyncSession = session_dependency) -> DeadLetterPage:
        """Events this service's consumer could not apply for the caller's tenant."""
        require(principal, "events.read")
        where = [letters.c.tenant_id == principal.tenant]
        if status != "all":
            where.append(letters.c.status == status)
        total = (await session.execute(select(func.count()).select_from(letters).where(*where))).scalar()
        rows = (await session.execute(select(letters).where(*where).order_by(letters.c.id)
                                      .limit(limit).offset(offset))).mappings()
        return DeadLetterPage(items=[out(r) for r in rows], total=total, limit=limit, offset=offset)

    @router.post("/dead-letters/{letter_id}/replay", response_model=DeadLetterOut,
                 responses={409: {"description": "replayed already, or it failed again"}})
    async def replay_dead_letter(letter_id: int = Path(ge=1, le=2**62),
                                 principal=Depends(current_principal),
                                 session: AsyncSession = session_dependency) -> DeadLetterOut:
        """Apply a parked event now, as the consumer would have; if it fails again it stays
        parked and the answer (409) says why."""
        require(principal, "events.replay")
        row = (await session.execute(select(letters).where(
            letters.c.id == letter_id, letters.c.tenant_id == principal.tenant)
            .with_for_update())).mappings().first()
        if row is None:
            raise NotFound(f"dead letter {letter_id} not found")
        if row["status"] != "parked":
            raise Conflict(f"dead letter {letter_id} was replayed at {row['replayed_at']:%Y-%m-%d %H:%M}")
        event = CloudEvent.model_validate(row["event"])
        handler = handlers.get(event.type)
        try:
            async with session.begin_nested():
                if handler is not None:
                    await handler(session, event)
        except Exception as exc:
            log.warning("replay of dead letter %s failed again: %r", letter_id, exc)
            raise Conflict(f"the event still cannot be applied: {exc!r}"[:1000]) from None
        await session.execute(pg_insert(tables.inbox).values(
            consumer=row["consumer"], event_id=event.id, tenant_id=event.tenantid,
            event_type=event.type, status="processed",
        ).on_conflict_do_update(index_elements=["consumer", "event_id"],
                                set_={"status": "processed", "error": None}))
        done = (await session.execute(update(letters).where(letters.c.id == letter_id).values(
            status="replayed", replayed_at=func.now(),
            replayed_by=principal.subject).returning(*letters.c))).mappings().one()
        return out(done)

    return router
