"""Change requests over HTTP: submit, list, read, decide, start, record the result."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Depends, Header, Query, Response
from opspact.app import SESSION, current_principal
from opspact.auth import Principal
from opspact.permissions import require
from sqlalchemy.ext.asyncio import AsyncSession

from ticketing.changes import service
from ticketing.changes.models import Change
from ticketing.changes.schemas import (
    CancelIn,
    ChangeCreate,
    ChangeKind,
    ChangeOut,
    ChangePage,
    ChangeStatus,
    DecisionIn,
    ResultIn,
    StepOut,
)

router = APIRouter(prefix="/changes", tags=["changes"])


def _step_out(step: dict, decision: dict | None) -> StepOut:
    made = {k: decision[k] for k in ("decision", "by", "at", "reason")} if decision else {}
    return StepOut(code=step["code"], name=step["name"], **made)


def to_out(change: Change) -> ChangeOut:
    decided = {d["step"]: d for d in change.decisions}
    steps = [_step_out(s, decided.get(s["code"])) for s in change.chain]
    return ChangeOut(
        id=change.id, number=change.number, kind=change.kind, risk=change.risk,
        system=change.system_code, title=change.title, description=change.description,
        plan=change.plan, rollback_plan=change.rollback_plan, window_start=change.window_start,
        window_end=change.window_end, status=change.status, steps=steps,
        waiting_for=change.chain[change.next_step]["name"] if change.status == "submitted" else None,
        submitted_by=change.submitted_by, started_at=change.started_at,
        implemented_by=change.implemented_by, finished_at=change.finished_at,
        result_note=change.result_note, created_at=change.created_at, updated_at=change.updated_at)


@router.post("", status_code=201, response_model=ChangeOut,
             responses={200: {"model": ChangeOut, "description": "replayed Idempotency-Key"}})
async def submit_change(body: ChangeCreate, response: Response,
                        idempotency_key: str | None = Header(default=None, min_length=1, max_length=128),
                        principal: Principal = Depends(current_principal),
                        session: AsyncSession = SESSION) -> ChangeOut:
    """Submit a change request (变更申请) with its plan, rollback plan and window; it
    waits for the tenant's approval chain."""
    require(principal, "changes.submit")
    change, fresh = await service.submit(session, principal.tenant, body, principal.subject,
                                         idempotency_key)
    if not fresh:
        response.status_code = 200
    return to_out(change)


@router.get("", response_model=ChangePage)
async def list_changes(status: ChangeStatus | None = None, kind: ChangeKind | None = None,
                       system: str | None = Query(default=None, max_length=64),
                       limit: int = Query(50, ge=1, le=200), offset: int = Query(0, ge=0, le=1_000_000),
                       principal: Principal = Depends(current_principal),
                       session: AsyncSession = SESSION) -> ChangePage:
    require(principal, "changes.read")
    rows, total = await service.page(session, principal.tenant, {
        "status": status and status.value, "kind": kind and kind.value, "system_code": system},
        limit, offset)
    return ChangePage(items=[to_out(c) for c in rows], total=total, limit=limit, offset=offset)


@router.get("/{change_id}", response_model=ChangeOut)
async def get_change(change_id: UUID, principal: Principal = Depends(current_principal),
                     session: AsyncSession = SESSION) -> ChangeOut:
    require(principal, "changes.read")
    return to_out(await service.get(session, principal.tenant, change_id))


@router.post("/{change_id}/decisions", response_model=ChangeOut)
async def decide_change(change_id: UUID, body: DecisionIn,
                        principal: Principal = Depends(current_principal),
                        session: AsyncSession = SESSION) -> ChangeOut:
    """Approve or reject (with a reason) the step the change waits for."""
    require(principal, "changes.approve")
    return to_out(await service.decide(session, principal.tenant, change_id, body, principal))


@router.post("/{change_id}/start", response_model=ChangeOut)
async def start_change(change_id: UUID, principal: Principal = Depends(current_principal),
                       session: AsyncSession = SESSION) -> ChangeOut:
    require(principal, "changes.implement")
    return to_out(await service.start(session, principal.tenant, change_id, principal.subject))


@router.post("/{change_id}/result", response_model=ChangeOut)
async def record_result(change_id: UUID, body: ResultIn,
                        principal: Principal = Depends(current_principal),
                        session: AsyncSession = SESSION) -> ChangeOut:
    require(principal, "changes.implement")
    return to_out(await service.finish(session, principal.tenant, change_id, body, principal.subject))


@router.post("/{change_id}/cancel", response_model=ChangeOut)
async def cancel_change(change_id: UUID, body: CancelIn,
                        principal: Principal = Depends(current_principal),
                        session: AsyncSession = SESSION) -> ChangeOut:
    require(principal, "changes.submit")
    return to_out(await service.cancel(session, principal.tenant, change_id, body, principal))
