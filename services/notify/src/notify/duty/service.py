"""Keeping the roster read model, and asking it who is on duty."""

from __future__ import annotations

from datetime import datetime

from opspact.events import CloudEvent
from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from notify.duty.models import DutyShift


async def on_roster_changed(session: AsyncSession, event: CloudEvent) -> None:
    """Apply the shifts an event carries. Upserts and deletes by shift id, so a late or
    repeated event cannot resurrect a removed shift twice or duplicate one."""
    removed = [int(s["id"]) for s in event.data.get("removed", [])]
    if removed:
        await session.execute(delete(DutyShift).where(
            DutyShift.tenant_id == event.tenantid, DutyShift.shift_id.in_(removed)))
    for shift in event.data.get("added", []):
        values = {"post": shift["post"], "staff": shift["staff"],
                  "starts_at": datetime.fromisoformat(shift["starts_at"]),
                  "ends_at": datetime.fromisoformat(shift["ends_at"])}
        await session.execute(pg_insert(DutyShift).values(
            tenant_id=event.tenantid, shift_id=int(shift["id"]), **values)
            .on_conflict_do_update(index_elements=["tenant_id", "shift_id"], set_=values))


async def on_duty(session: AsyncSession, tenant_id: str, at: datetime,
                  post: str | None = None) -> list[DutyShift]:
    query = select(DutyShift).where(DutyShift.tenant_id == tenant_id, DutyShift.starts_at <= at,
                                    DutyShift.ends_at > at)
    if post:
        query = query.where(DutyShift.post == post)
    return list((await session.execute(query.order_by(DutyShift.post, DutyShift.staff))).scalars())
