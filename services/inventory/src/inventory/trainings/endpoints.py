"""Trainings over HTTP: record one held, list them, and this month's state of each required one."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Depends, Query
from opspact.app import SESSION, current_principal
from opspact.auth import Principal
from opspact.calendar import SHANGHAI
from opspact.permissions import require
from opspact.types import IsoDate
from sqlalchemy.ext.asyncio import AsyncSession

from inventory.trainings import service
from inventory.trainings.schemas import MonthOut, TrainingIn, TrainingOut, TrainingPage

router = APIRouter(tags=["people"])


@router.post("/trainings", status_code=201, response_model=TrainingOut)
async def record_training(body: TrainingIn, principal: Principal = Depends(current_principal),
                          session: AsyncSession = SESSION) -> TrainingOut:
    """A training held: its kind (as the tenant file names it), day, topic and who attended."""
    require(principal, "staff.write")
    return service.training_out(await service.record(session, principal.tenant, body, principal.subject))


@router.get("/trainings", response_model=TrainingPage)
async def list_trainings(kind: str | None = Query(default=None, max_length=32),
                         held_from: IsoDate | None = None, held_to: IsoDate | None = None,
                         limit: int = Query(50, ge=1, le=200), offset: int = Query(0, ge=0, le=1_000_000),
                         principal: Principal = Depends(current_principal),
                         session: AsyncSession = SESSION) -> TrainingPage:
    """Newest first; `held_from`/`held_to` inclusive."""
    require(principal, "staff.read")
    rows, total = await service.page(session, principal.tenant, kind, held_from, held_to, limit, offset)
    return TrainingPage(items=[service.training_out(t) for t in rows], total=total, limit=limit,
                        offset=offset)


@router.get("/trainings/this-month", response_model=list[MonthOut])
async def trainings_this_month(principal: Principal = Depends(current_principal),
                               session: AsyncSession = SESSION) -> list[MonthOut]:
    """Each training the contract requires: held this month (Asia/Shanghai) or not yet."""
    require(principal, "staff.read")
    return await service.months(session, principal.tenant, datetime.now(UTC).astimezone(SHANGHAI).date())
