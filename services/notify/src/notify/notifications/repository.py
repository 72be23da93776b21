"""All notification SQL."""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

from opspact import metrics
from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from notify.notifications.models import DeliveryQueue, Notification


async def _insert_once(session: AsyncSession, values: dict) -> UUID | None:
    row = (await session.execute(
        pg_insert(Notification).values(**values).on_conflict_do_nothing()
        .returning(Notification.id))).first()
    return None if row is None else row.id


async def add_once(session: AsyncSession, **values) -> UUID | None:
    """Record and queue a message unless this event already produced it; the new id."""
    new_id = await _insert_once(session, {**values, "status": "queued"})
    if new_id is not None:
        await queue(session, values["tenant_id"], new_id)
        metrics.MESSAGES.labels(values["tenant_id"], values["channel"], "none", "queued").inc()
    return new_id


async def record_unsent(session: AsyncSession, **values) -> UUID | None:
    """Record a message that will not be sent (status and reason given), once."""
    values.setdefault("body", "")
    new_id = await _insert_once(session, values)
    if new_id is not None:
        metrics.MESSAGES.labels(values["tenant_id"], values.get("channel") or "none", "none",
                                values.get("status") or "suppressed").inc()
    return new_id


async def queue(session: AsyncSession, tenant_id: str, notification_id: UUID,
                not_before: datetime | None = None) -> None:
    await session.execute(pg_insert(DeliveryQueue).values(
        notification_id=notification_id, tenant_id=tenant_id,
        not_before=not_before if not_before is not None else func.now())
        .on_conflict_do_update(index_elements=["notification_id"],
                               set_={"not_before": not_before if not_before is not None else func.now()}))


async def next_due(session: AsyncSession, limit: int) -> list[DeliveryQueue]:
    """The due queue rows, locked for this transaction; rows another sender holds are skipped."""
    return list((await session.execute(
        select(DeliveryQueue).where(DeliveryQueue.not_before <= func.now())
        .order_by(DeliveryQueue.not_before).limit(limit).with_for_update(skip_locked=True)
    )).scalars())


async def get(session: AsyncSession, tenant_id: str, notification_id: UUID,
              for_update: bool = False) -> Notification | None:
    query = select(Notification).where(Notification.tenant_id == tenant_id,
                                       Notification.id == notification_id)
    return (await session.execute(query.with_for_update() if for_update else query)).scalar_one_or_none()


async def get_many(session: AsyncSession, tenant_id: str, ids: list[UUID]) -> list[Notification]:
    """The messages, locked, in the order given."""
    rows = {n.id: n for n in (await session.execute(select(Notification).where(
        Notification.tenant_id == tenant_id, Notification.id.in_(ids))
        .order_by(Notification.id).with_for_update())).scalars()}
    return [rows[i] for i in ids if i in rows]


async def dequeue(session: AsyncSession, *notification_ids: UUID) -> None:
    await session.execute(delete(DeliveryQueue).where(DeliveryQueue.notification_id.in_(notification_ids)))


async def sent_lately(session: AsyncSession, tenant_id: str, channel: str, recipient: str,
                      now: datetime) -> tuple[int, int, int]:
    """Messages sent to a recipient over a channel in the last minute, hour and day."""
    since = Notification.sent_at
    row = (await session.execute(select(
        func.count().filter(since > now - timedelta(minutes=1)),
        func.count().filter(since > now - timedelta(hours=1)),
        func.count()).where(
        Notification.tenant_id == tenant_id, Notification.recipient == recipient,
        Notification.channel == channel, since > now - timedelta(days=1)))).one()
    return row[0], row[1], row[2]


async def page(session: AsyncSession, tenant_id: str, filters: dict, limit: int,
               offset: int) -> tuple[list[Notification], int]:
    conditions = [Notification.tenant_id == tenant_id]
    for column in ("status", "channel", "recipient", "source_event_id", "source_event_type",
                   "rule", "contact", "subject"):
        if filters.get(column) is not None:
            conditions.append(getattr(Notification, column) == filters[column])
    if filters.get("created_from") is not None:
        conditions.append(Notification.created_at >= filters["created_from"])
    if filters.get("created_to") is not None:
        conditions.append(Notification.created_at < filters["created_to"])
    total = (await session.execute(select(func.count()).select_from(Notification)
                                   .where(*conditions))).scalar_one()
    rows = (await session.execute(select(Notification).where(*conditions)
                                  .order_by(Notification.created_at.desc(), Notification.id)
                                  .limit(limit).offset(offset))).scalars()
    return list(rows), total
