"""Emergency plans (应急预案) and their drills over HTTP."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from fastapi import APIRouter, Depends, Query
from opspact.app import SESSION, current_principal
from opspact.auth import Principal
from opspact.calendar import SHANGHAI
from opspact.permissions import require
from sqlalchemy.ext.asyncio import AsyncSession

from ticketing.plans import service
from ticketing.plans.models import Drill, EmergencyPlan
from ticketing.plans.schemas import DrillIn, DrillOut, PlanCategory, PlanIn, PlanOut, PlanPage, PlanUpdate

router = APIRouter(prefix="/emergency-plans", tags=["emergency plans"])


def drill_out(drill: Drill) -> DrillOut:
    return DrillOut.model_validate(drill, from_attributes=True)


def to_out(plan: EmergencyPlan, last: date | None, drills: list[Drill] | None = None) -> PlanOut:
    due = service.drill_due(plan, last)
    return PlanOut(
        id=plan.id, code=plan.code, category=plan.category, title=plan.title, scenario=plan.scenario,
        response_steps=plan.response_steps, roles=plan.roles, systems=plan.systems,
        version=plan.version, drill_every_days=plan.drill_every_days, last_drill_on=last,
        drill_due_on=due, drill_overdue=bool(due and due < datetime.now(SHANGHAI).date()),
        updated_by=plan.updated_by, updated_at=plan.updated_at,
        drills=[drill_out(d) for d in drills] if drills is not None else None)


async def _full(session: AsyncSession, tenant_id: str, plan: EmergencyPlan) -> PlanOut:
    drills = await service.drills(session, tenant_id, plan.id)
    return to_out(plan, drills[0].held_on if drills else None, drills)


@router.post("", status_code=201, response_model=PlanOut)
async def create_plan(body: PlanIn, principal: Principal = Depends(current_principal),
                      session: AsyncSession = SESSION) -> PlanOut:
    require(principal, "plans.write")
    return to_out(await service.create(session, principal.tenant, body, principal.subject), None, [])


@router.get("", response_model=PlanPage)
async def list_plans(category: PlanCategory | None = None,
                     limit: int = Query(50, ge=1, le=200), offset: int = Query(0, ge=0, le=100_000),
                     principal: Principal = Depends(current_principal),
                     session: AsyncSession = SESSION) -> PlanPage:
    require(principal, "plans.read")
    rows, total = await service.page(session, principal.tenant, category and category.value, limit, offset)
    last = await service.last_drills(session, principal.tenant, [p.id for p in rows])
    return PlanPage(items=[to_out(p, last.get(p.id)) for p in rows], total=total, limit=limit,
                    offset=offset)


@router.get("/{plan_id}", response_model=PlanOut)
async def get_plan(plan_id: UUID, principal: Principal = Depends(current_principal),
                   session: AsyncSession = SESSION) -> PlanOut:
    require(principal, "plans.read")
    return await _full(session, principal.tenant, await service.get(session, principal.tenant, plan_id))


@router.put("/{plan_id}", response_model=PlanOut)
async def update_plan(plan_id: UUID, body: PlanUpdate, principal: Principal = Depends(current_principal),
                      session: AsyncSession = SESSION) -> PlanOut:
    require(principal, "plans.write")
    plan = await service.update(session, principal.tenant, plan_id, body, principal.subject)
    return await _full(session, principal.tenant, plan)


@router.post("/{plan_id}/drills", status_code=201, response_model=DrillOut)
async def record_drill(plan_id: UUID, body: DrillIn, principal: Principal = Depends(current_principal),
                       session: AsyncSession = SESSION) -> DrillOut:
    """A drill held (演练记录), against the plan's current version."""
    require(principal, "plans.write")
    return drill_out(await service.record_drill(session, principal.tenant, plan_id, body, principal.subject))
