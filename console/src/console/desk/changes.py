"""变更审批: the changes of the engagement, and — for the client's officers the contract names
for the step a change waits for — the approval or the rejection with the reason."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Depends, Form, Request
from starlette.responses import Response

from console.api import ApiError
from console.desk.reference import approval_chain_of, systems_of
from console.sessions import Session
from console.web import Refused, changing, current, messages, redirect, render

router = APIRouter(prefix="/console/changes")
STATUSES = ("submitted", "approved", "in_progress", "implemented", "rejected", "failed", "rolled_back",
            "cancelled")
DONE = {"approve", "reject", "submitted", "started", "finished", "cancelled"}


def may_decide(session: Session, change: dict, chain: list[dict]) -> bool:
    """Whether the page offers this person the decision: the change waits for a step, the
    person may approve changes, and the contract names them for that step (or names nobody)."""
    awaited = awaited_step(change)
    if awaited is None or not session.may("changes.approve"):
        return False
    step = next((s for s in chain if s["code"] == awaited), None)
    return step is None or not step.get("approvers") or session.subject in step["approvers"]


def awaited_step(change: dict) -> str | None:
    """The code of the step the change waits for: its first undecided one while submitted."""
    if change["status"] != "submitted":
        return None
    return next((s["code"] for s in change["steps"] if not s["decision"]), None)


@router.get("")
async def changes(request: Request, status: str = "", session: Session = Depends(current)) -> Response:
    status = status if status in STATUSES else ""
    params = {"limit": 100, **({"status": status} if status else {})}
    page = await request.app.state.gateway.call(session, "GET", "/ticketing/changes", params=params)
    systems = {s["code"]: s["name"] for s in await systems_of(request.app.state, session)}
    chain = await approval_chain_of(request.app.state, session)
    return render(request, "desk/changes.html", session=session, nav="changes", page=page, status=status,
                  statuses=STATUSES, systems=systems,
                  mine=[c["id"] for c in page["items"] if may_decide(session, c, chain)])


@router.get("/{change_id}")
async def change(request: Request, change_id: UUID, session: Session = Depends(current)) -> Response:
    found = await request.app.state.gateway.call(session, "GET", f"/ticketing/changes/{change_id}")
    systems = {s["code"]: s["name"] for s in await systems_of(request.app.state, session)}
    chain = await approval_chain_of(request.app.state, session)
    done = request.query_params.get("done")
    return render(request, "desk/change.html", session=session, nav="changes", change=found,
                  systems=systems, chain={s["code"]: s for s in chain}, awaited=awaited_step(found),
                  may_decide=may_decide(session, found, chain),
                  done=messages(f"changes.done.{done}") if done in DONE else None)


@router.post("/{change_id}/decide")
async def decide(request: Request, change_id: UUID,
                 decision: str = Form(pattern=r"^(approve|reject)$"),
                 reason: str = Form("", max_length=2000),
                 session: Session = Depends(changing)) -> Response:
    body = {"decision": decision, **({"reason": reason.strip()} if reason.strip() else {})}
    try:
        await request.app.state.gateway.call(
            session, "POST", f"/ticketing/changes/{change_id}/decisions", json=body)
    except ApiError as exc:
        if exc.status in (409, 422):  # decided meanwhile, or a rejection without its reason
            raise Refused(exc.status, f"{messages('changes.refused')}{exc}") from exc
        raise
    return redirect(request, f"/console/changes/{change_id}?done={decision}")
