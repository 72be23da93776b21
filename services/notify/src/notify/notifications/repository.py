"""All notification SQL."""

from uuid import UUID

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from notify.notifications.models import DeliveryQueue, Notification


async def add_once(session: AsyncSession, **values) -> UUID | None:
    """Insert unless this event already produced this message; returns the new id."""
    row = (await session.execute(
        pg_insert(Notification).values(**values).on_conflict_do_nothing()
        .returning(Notification.id))).first()
    if row is None:
        return None
    session.add(DeliveryQueue(notification_id=row.id, tenant_id=values["tenant_id"]))
    await session.flush()
    return row.id


async def next_due(session: AsyncSession) -> DeliveryQueue | None:
    return (await session.execute(
        select(DeliveryQueue).where(DeliveryQueue.not_before <= func.now())
        .order_by(DeliveryQueue.not_before).limit(1).with_for_update(skip_locked=True)
    )).scalar_one_or_none()


async def get(session: AsyncSession, tenant_id: str, notification_id: UUID) -> Notification | None:
    return (await session.execute(select(Notification).where(
        Notification.tenant_id == tenant_id, Notification.id == notification_id))).scalar_one_or_none()


async def dequeue(session: AsyncSession, notification_id: UUID) -> None:
    await session.execute(delete(DeliveryQueue).where(DeliveryQueue.notification_id == notification_id))


async def page(session: AsyncSession, tenant_id: str, status: str | None, limit: int,
               offset: int) -> tuple[list[Notification], int]:
    conditions = [Notification.tenant_id == tenant_id]
    if status:
        conditions.append(Notification.status == status)
    total = (await session.execute(select(func.count()).select_from(Notification)
                                   .where(*conditions))).scalar_one()
    rows = (await session.execute(select(Notification).where(*conditions)
                                  .order_by(Notification.created_at.desc())
                                  .limit(limit).offset(offset))).scalars()
    return list(rows), total
