"""SMS segments metered per tenant and contract year against the contract's volume
(a contract that caps them): a warning event at 80%, another at 100%, each once."""

from __future__ import annotations

from datetime import date, datetime

from opspact import metrics, outbox
from opspact.events import new_event
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from notify.notifications.models import QuotaUsage
from notify.policy import contract_year_start
from notify.tables import shared

WARN_AT = 0.8


def year_start(config: dict, today: date) -> date:
    start = (config.get("contract") or {}).get("term", {}).get("start")
    return contract_year_start(date.fromisoformat(str(start)) if start else None, today)


async def usage(session: AsyncSession, tenant_id: str, start: date) -> QuotaUsage:
    """The year's row, locked: sends of one tenant count one after another."""
    await session.execute(pg_insert(QuotaUsage).values(tenant_id=tenant_id, year_start=start,
                                                       segments=0).on_conflict_do_nothing())
    return (await session.execute(select(QuotaUsage).where(
        QuotaUsage.tenant_id == tenant_id, QuotaUsage.year_start == start).with_for_update())).scalar_one()


async def count(session: AsyncSession, row: QuotaUsage, segments: int, quota: int | None,
                now: datetime) -> None:
    row.segments += segments
    metrics.SMS_QUOTA_USED.labels(row.tenant_id).set(row.segments)
    if quota is None:
        return
    data = {"year_start": row.year_start.isoformat(), "segments": row.segments, "quota": quota,
            "percent": round(100 * row.segments / quota, 1)}
    if row.warned_at is None and row.segments >= WARN_AT * quota:
        row.warned_at = now
        await outbox.add(session, shared.outbox, new_event(
            "notify", "quota", "warning", row.tenant_id, f"{row.tenant_id}:{row.year_start}", data))
    if row.reached_at is None and row.segments >= quota:
        row.reached_at = now
        await outbox.add(session, shared.outbox, new_event(
            "notify", "quota", "reached", row.tenant_id, f"{row.tenant_id}:{row.year_start}", data))
