"""Each signed hook delivery is accepted once (the gateway names it by its signature)."""

from __future__ import annotations

from opspact.errors import Conflict
from sqlalchemy import Column, DateTime, String, Table, func
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from ticketing.tables import Base

hook_deliveries = Table(
    "hook_deliveries", Base.metadata,  # schema "ticketing" comes with the MetaData
    Column("tenant_id", String(32), primary_key=True),
    Column("delivery_id", String(64), primary_key=True),
    Column("source", String(32), nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)


async def accept_once(session: AsyncSession, tenant_id: str, source: str, delivery_id: str) -> None:
    inserted = (await session.execute(
        insert(hook_deliveries).values(tenant_id=tenant_id, source=source, delivery_id=delivery_id)
        .on_conflict_do_nothing().returning(hook_deliveries.c.delivery_id))).first()
    if inserted is None:
        raise Conflict("this signed delivery was already received (a replay); to retry, sign "
                       "the request again and repeat its Idempotency-Key")
