"""Recording trainings and seeing each required one's month."""

from __future__ import annotations

import calendar
from datetime import date

from opspact import outbox
from opspact.errors import Unprocessable
from opspact.events import new_event
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from inventory.notices import first_time
from inventory.people.models import Staff
from inventory.people.service import tenant_config
from inventory.tables import shared
from inventory.trainings.models import Training, TrainingNotice
from inventory.trainings.schemas import MonthOut, TrainingIn, TrainingOut
from inventory.trainings.settings import TrainingDuty


def training_out(t: Training) -> TrainingOut:
    return TrainingOut(id=t.id, kind=t.kind, held_on=t.held_on, topic=t.topic, attendees=t.attendees,
                       note=t.note, recorded_by=t.recorded_by, created_at=t.created_at)


def month_of(day: date) -> tuple[date, date]:
    return day.replace(day=1), day.replace(day=calendar.monthrange(day.year, day.month)[1])


async def duties(session: AsyncSession, tenant_id: str) -> list[TrainingDuty]:
    _, settings = await tenant_config(session, tenant_id)
    return settings.trainings


async def record(session: AsyncSession, tenant_id: str, body: TrainingIn, actor: str) -> Training:
    known = {d.kind for d in await duties(session, tenant_id)}
    if known and body.kind not in known:
        raise Unprocessable(f"unknown training kind {body.kind!r}; the tenant file names "
                            f"{', '.join(sorted(known))}",
                            errors=[{"field": "body.kind", "message": "unknown kind"}])
    attendees = body.unique_attendees()
    found = set((await session.execute(select(Staff.code).where(
        Staff.tenant_id == tenant_id, Staff.code.in_(attendees)))).scalars())
    missing = [a for a in attendees if a not in found]
    if missing:
        raise Unprocessable(f"not staff of this tenant: {', '.join(missing[:10])}",
                            errors=[{"field": "body.attendees", "message": f"unknown staff {m!r}"}
                                    for m in missing[:10]])
    training = Training(tenant_id=tenant_id, kind=body.kind, held_on=body.held_on, topic=body.topic,
                        attendees=attendees, note=body.note, recorded_by=actor)
    session.add(training)
    await session.flush()
    await session.refresh(training)
    await outbox.add(session, shared.outbox, new_event(
        "inventory", "training", "recorded", tenant_id, str(training.id),
        {**training_out(training).model_dump(mode="json")}))
    return training


async def page(session: AsyncSession, tenant_id: str, kind: str | None, start: date | None,
               end: date | None, limit: int, offset: int) -> tuple[list[Training], int]:
    where = [Training.tenant_id == tenant_id]
    if kind:
        where.append(Training.kind == kind)
    if start:
        where.append(Training.held_on >= start)
    if end:
        where.append(Training.held_on <= end)
    total = (await session.execute(select(func.count()).select_from(Training).where(*where))).scalar_one()
    rows = await session.execute(select(Training).where(*where)
                                 .order_by(Training.held_on.desc(), Training.id.desc())
                                 .limit(limit).offset(offset))
    return list(rows.scalars()), total


async def held_in(session: AsyncSession, tenant_id: str, kind: str, first: date, last: date) -> list[date]:
    return list((await session.execute(select(Training.held_on).where(
        Training.tenant_id == tenant_id, Training.kind == kind, Training.held_on >= first,
        Training.held_on <= last).order_by(Training.held_on))).scalars())


async def months(session: AsyncSession, tenant_id: str, today: date) -> list[MonthOut]:
    first, last = month_of(today)
    return [MonthOut(kind=d.kind, name=d.name, month=f"{first:%Y-%m}",
                     held=await held_in(session, tenant_id, d.kind, first, last), due_by=last,
                     clause=d.clause)
            for d in await duties(session, tenant_id)]


async def announce_missing(session: AsyncSession, tenant_id: str, today: date) -> int:
    """Each required training not held this month, once the month is within its warning days
    of ending: `inventory.training.missing.v1`, once per kind and month."""
    first, last = month_of(today)
    announced = 0
    for duty in await duties(session, tenant_id):
        if (last - today).days > duty.warn_days_before_end:
            continue
        if await held_in(session, tenant_id, duty.kind, first, last):
            continue
        if not await first_time(session, TrainingNotice, tenant_id=tenant_id, kind=duty.kind, month=first):
            continue
        previous = (await session.execute(select(func.max(Training.held_on)).where(
            Training.tenant_id == tenant_id, Training.kind == duty.kind))).scalar_one_or_none()
        await outbox.add(session, shared.outbox, new_event(
            "inventory", "training", "missing", tenant_id, f"{duty.kind}:{first:%Y-%m}",
            {"kind": duty.kind, "name": duty.name, "month": f"{first:%Y-%m}",
             "due_by": last.isoformat(), "days_left": (last - today).days,
             "last_held_on": previous and previous.isoformat(), "clause": duty.clause}))
        announced += 1
    return announced
