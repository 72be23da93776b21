"""Emergency plan rules: one plan per code, versioned edits, drills recorded against
the version drilled; a plan with a drill cadence shows when it is overdue."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from uuid import UUID

from opspact.calendar import SHANGHAI
from opspact.db.unique import add_unique
from opspact.errors import Conflict, NotFound, Unprocessable
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from ticketing.plans.models import Drill, EmergencyPlan
from ticketing.plans.schemas import DrillIn, PlanIn, PlanUpdate
from ticketing.tickets.service import systems_of

FIELDS = ("code", "category", "title", "scenario", "response_steps", "roles", "systems", "drill_every_days")


async def _check_systems(session: AsyncSession, tenant_id: str, systems: list[str]) -> None:
    unknown = sorted(set(systems) - set(await systems_of(session, tenant_id)))
    if unknown:
        raise Unprocessable(f"unknown systems {unknown} for tenant {tenant_id}",
                            errors=[{"field": "body.systems", "message": "unknown system"}])


def _apply(plan: EmergencyPlan, body: PlanIn, actor: str) -> None:
    for name in FIELDS:
        value = getattr(body, name)
        setattr(plan, name, value.value if hasattr(value, "value") else value)
    plan.updated_by = actor


async def create(session: AsyncSession, tenant_id: str, body: PlanIn, actor: str) -> EmergencyPlan:
    await _check_systems(session, tenant_id, body.systems)
    plan = EmergencyPlan(tenant_id=tenant_id, version=1)
    _apply(plan, body, actor)
    await add_unique(session, plan, f"an emergency plan with code {body.code!r} exists",
                     constraint="emergency_plans_code_uq")
    await session.refresh(plan)
    return plan


async def get(session: AsyncSession, tenant_id: str, plan_id: UUID,
              for_update: bool = False) -> EmergencyPlan:
    query = select(EmergencyPlan).where(EmergencyPlan.tenant_id == tenant_id, EmergencyPlan.id == plan_id)
    plan = (await session.execute(query.with_for_update() if for_update else query)).scalar_one_or_none()
    if plan is None:
        raise NotFound(f"emergency plan {plan_id} not found")
    return plan


async def update(session: AsyncSession, tenant_id: str, plan_id: UUID, body: PlanUpdate,
                 actor: str) -> EmergencyPlan:
    plan = await get(session, tenant_id, plan_id, for_update=True)
    if body.version != plan.version:
        raise Conflict(f"plan {plan.code} is at version {plan.version}, the edit started from "
                       f"{body.version}: reload it and edit again")
    if body.code != plan.code:
        raise Unprocessable("a plan's code does not change", errors=[{"field": "body.code",
                                                                       "message": "immutable"}])
    await _check_systems(session, tenant_id, body.systems)
    _apply(plan, body, actor)
    plan.version += 1
    plan.updated_at = datetime.now(UTC)
    await session.flush()
    await session.refresh(plan)
    return plan


async def page(session: AsyncSession, tenant_id: str, category: str | None, limit: int,
               offset: int) -> tuple[list[EmergencyPlan], int]:
    conditions = [EmergencyPlan.tenant_id == tenant_id]
    if category:
        conditions.append(EmergencyPlan.category == category)
    total = (await session.execute(select(func.count()).select_from(EmergencyPlan)
                                   .where(*conditions))).scalar_one()
    rows = await session.execute(select(EmergencyPlan).where(*conditions)
                                 .order_by(EmergencyPlan.category, EmergencyPlan.code)
                                 .limit(limit).offset(offset))
    return list(rows.scalars()), total


async def last_drills(session: AsyncSession, tenant_id: str, plan_ids: list[UUID]) -> dict[UUID, date]:
    rows = await session.execute(select(Drill.plan_id, func.max(Drill.held_on)).where(
        Drill.tenant_id == tenant_id, Drill.plan_id.in_(plan_ids)).group_by(Drill.plan_id))
    return dict(rows.all())


async def drills(session: AsyncSession, tenant_id: str, plan_id: UUID) -> list[Drill]:
    rows = await session.execute(select(Drill).where(Drill.tenant_id == tenant_id, Drill.plan_id == plan_id)
                                 .order_by(Drill.held_on.desc(), Drill.id.desc()))
    return list(rows.scalars())


async def record_drill(session: AsyncSession, tenant_id: str, plan_id: UUID, body: DrillIn,
                       actor: str) -> Drill:
    plan = await get(session, tenant_id, plan_id)
    if body.held_on > datetime.now(SHANGHAI).date():
        raise Unprocessable("held_on is in the future",
                            errors=[{"field": "body.held_on", "message": "in the future"}])
    drill = Drill(tenant_id=tenant_id, plan_id=plan.id, held_on=body.held_on, plan_version=plan.version,
                  participants=body.participants, scenario=body.scenario, outcome=body.outcome.value,
                  findings=body.findings, minutes_spent=body.minutes_spent, recorded_by=actor)
    session.add(drill)
    await session.flush()
    await session.refresh(drill)
    return drill


def drill_due(plan: EmergencyPlan, last: date | None) -> date | None:
    """A cadence counts from the last drill, or from the plan's creation."""
    if not plan.drill_every_days:
        return None
    since = last or plan.created_at.astimezone(SHANGHAI).date()
    return since + timedelta(days=plan.drill_every_days)
