"""A service's own copy of inventory's roster, kept from `inventory.roster.changed.v1`
(each event carries the shifts added and removed): notify routes alerts by it, ticketing
knows whether anyone was on site when a fault came in — neither waits on, or fails with,
the inventory service. Each service keeps its own table, with these columns
(`ShiftColumns`) and this logic."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, DateTime, String, delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from opspact.events import CloudEvent


class ShiftColumns:
    """The columns of a service's roster copy (mixed into its own mapped class)."""
    tenant_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    shift_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    post: Mapped[str] = mapped_column(String(64))
    staff: Mapped[str] = mapped_column(String(64))
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


async def apply_change(session: AsyncSession, model: Any, event: CloudEvent) -> None:
    """Apply the shifts an event carries. Upserts and deletes by shift id, so a late or
    repeated event cannot resurrect a removed shift twice or duplicate one."""
    removed = [int(s["id"]) for s in event.data.get("removed", [])]
    if removed:
        await session.execute(delete(model).where(
            model.tenant_id == event.tenantid, model.shift_id.in_(removed)))
    for shift in event.data.get("added", []):
        values = {"post": shift["post"], "staff": shift["staff"],
                  "starts_at": datetime.fromisoformat(shift["starts_at"]),
                  "ends_at": datetime.fromisoformat(shift["ends_at"])}
        await session.execute(pg_insert(model).values(
            tenant_id=event.tenantid, shift_id=int(shift["id"]), **values)
            .on_conflict_do_update(index_elements=["tenant_id", "shift_id"], set_=values))


async def shifts_at(session: AsyncSession, model: Any, tenant_id: str, at: datetime,
                    post: str | None = None) -> list[Any]:
    """The shifts running at `at` (start inclusive, end exclusive), by post and staff."""
    query = select(model).where(model.tenant_id == tenant_id, model.starts_at <= at,
                                model.ends_at > at)
    if post:
        query = query.where(model.post == post)
    return list((await session.execute(query.order_by(model.post, model.staff))).scalars())
