"""SQL of the inspection rounds and their evidence."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import defer
from ticketing.inspections.models import InspectionEvidence, InspectionRound


async def stored(session: AsyncSession, tenant_id: str, start: datetime, end: datetime,
                 schedule: str | None) -> list[InspectionRound]:
    query = select(InspectionRound).where(
        InspectionRound.tenant_id == tenant_id, InspectionRound.due_at >= start,
        InspectionRound.due_at < end)
    if schedule:
        query = query.where(InspectionRound.schedule == schedule)
    return list((await session.execute(query)).scalars())


async def one(session: AsyncSession, tenant_id: str, schedule: str, due_at: datetime,
              for_update: bool = False) -> InspectionRound | None:
    query = select(InspectionRound).where(
        InspectionRound.tenant_id == tenant_id, InspectionRound.schedule == schedule,
        InspectionRound.due_at == due_at)
    if for_update:
        query = query.with_for_update()
    return (await session.execute(query)).scalar_one_or_none()


async def claim(session: AsyncSession, values: dict) -> uuid.UUID | None:
    """Insert the round's row unless it exists; the new id, or None if it was there."""
    row = (await session.execute(
        pg_insert(InspectionRound).values(id=uuid.uuid4(), **values)
        .on_conflict_do_nothing(constraint="inspection_rounds_planned")
        .returning(InspectionRound.id))).first()
    return row.id if row else None


async def evidence_of(session: AsyncSession, tenant_id: str,
                      round_id: uuid.UUID) -> list[InspectionEvidence]:
    # Without the content: a round's page lists its files, it does not carry them.
    rows = await session.execute(
        select(InspectionEvidence).where(InspectionEvidence.tenant_id == tenant_id,
                                         InspectionEvidence.round_id == round_id)
        .order_by(InspectionEvidence.id)
        .options(defer(InspectionEvidence.content)))
    return list(rows.scalars())


async def evidence(session: AsyncSession, tenant_id: str, evidence_id: int) -> InspectionEvidence | None:
    query = select(InspectionEvidence).where(InspectionEvidence.tenant_id == tenant_id,
                                             InspectionEvidence.id == evidence_id)
    return (await session.execute(query)).scalar_one_or_none()


async def add_evidence(session: AsyncSession, row: InspectionEvidence) -> InspectionEvidence:
    session.add(row)
    await session.flush()
    return row
