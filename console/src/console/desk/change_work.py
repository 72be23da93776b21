"""A change's life besides its approval: submitted by the vendor (or the client's
administrators) with its plan, rollback plan and window; started in its window and its
result recorded by the vendor's people; cancelled with the reason while not yet started.

The new-change form carries an idempotency key of its own: a double click submits one
change, not two."""

from __future__ import annotations

import uuid
from datetime import datetime
from uuid import UUID

from fastapi import APIRouter, Depends, Form, Request
from opspact.calendar import SHANGHAI
from starlette.responses import Response

from console.desk.reference import systems_of
from console.messages import LABELS
from console.sessions import Session
from console.web import Refused, api_change, changing, current, messages, redirect, render

router = APIRouter(prefix="/console/changes")


def shanghai(text: str, field: str) -> str:
    """A datetime-local value (the person's wall clock, Asia/Shanghai) as an instant."""
    try:
        return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI).isoformat()
    except ValueError:
        raise Refused(422, messages("changes.bad_time", field=field)) from None


@router.get("/new")
async def new_change(request: Request, session: Session = Depends(current)) -> Response:
    return render(request, "desk/change_new.html", session=session, nav="changes",
                  systems=await systems_of(request.app.state, session), kinds=tuple(LABELS["change_kind"]),
                  risks=tuple(LABELS["risk"]), idempotency_key=str(uuid.uuid4()))


@router.post("")
async def submit(request: Request, kind: str = Form(max_length=32), risk: str = Form(max_length=16),
                 system: str = Form(max_length=64), title: str = Form(max_length=200),
                 description: str = Form("", max_length=20000), plan: str = Form(max_length=20000),
                 rollback_plan: str = Form(max_length=20000), window_start: str = Form(max_length=20),
                 window_end: str = Form(max_length=20), idempotency_key: str = Form(max_length=128),
                 session: Session = Depends(changing)) -> Response:
    if kind not in LABELS["change_kind"] or risk not in LABELS["risk"]:
        raise Refused(422, messages("changes.bad_kind"))
    body = {"kind": kind, "risk": risk, "system": system.strip(), "title": title.strip(),
            "description": description.strip(), "plan": plan.strip(), "rollback_plan": rollback_plan.strip(),
            "window_start": shanghai(window_start, "window_start"),
            "window_end": shanghai(window_end, "window_end")}
    made = await api_change(request, session, "POST", "/ticketing/changes", "changes.refused", json=body,
                            headers={"Idempotency-Key": idempotency_key})
    return redirect(request, f"/console/changes/{made['id']}?done=submitted")


@router.post("/{change_id}/start")
async def start(request: Request, change_id: UUID, session: Session = Depends(changing)) -> Response:
    await api_change(request, session, "POST", f"/ticketing/changes/{change_id}/start", "changes.refused")
    return redirect(request, f"/console/changes/{change_id}?done=started")


@router.post("/{change_id}/result")
async def result(request: Request, change_id: UUID,
                 outcome: str = Form(pattern=r"^(implemented|failed|rolled_back)$"),
                 note: str = Form(min_length=1, max_length=20000),
                 session: Session = Depends(changing)) -> Response:
    await api_change(request, session, "POST", f"/ticketing/changes/{change_id}/result", "changes.refused",
                     json={"outcome": outcome, "note": note.strip()})
    return redirect(request, f"/console/changes/{change_id}?done=finished")


@router.post("/{change_id}/cancel")
async def cancel(request: Request, change_id: UUID, reason: str = Form(min_length=1, max_length=2000),
                 session: Session = Depends(changing)) -> Response:
    await api_change(request, session, "POST", f"/ticketing/changes/{change_id}/cancel", "changes.refused",
                     json={"reason": reason.strip()})
    return redirect(request, f"/console/changes/{change_id}?done=cancelled")
