"""应急预案: the emergency plans by category with their drill cadence (overdue drills
flagged), a plan read with its drills, edited as a new version, and a drill recorded —
what the contracts ask to be shown at acceptance."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from fastapi import APIRouter, Depends, Form, Query, Request
from opspact.calendar import SHANGHAI
from starlette.responses import Response

from console.desk.knowledge import listed
from console.desk.reference import systems_of
from console.sessions import Session
from console.web import Refused, api_change, changing, current, messages, redirect, render

router = APIRouter(prefix="/console/plans")
CATEGORIES = ("network", "hardware", "database", "application", "interface", "security", "data", "power",
              "other")
OUTCOMES = ("passed", "partly", "failed")
DONE = {"created", "saved", "drilled"}


def plan_body(code: str, category: str, title: str, scenario: str, response_steps: str, roles: str,
              systems: list[str], drill_every_days: str) -> dict:
    if category not in CATEGORIES:
        raise Refused(422, messages("plans.bad_category"))
    every = drill_every_days.strip()
    if every and not every.isdigit():
        raise Refused(422, messages("plans.bad_cadence"))
    return {"code": code.strip(), "category": category, "title": title.strip(), "scenario": scenario.strip(),
            "response_steps": response_steps.strip(), "roles": roles.strip(),
            "systems": [s for s in systems if s][:50], "drill_every_days": int(every) if every else None}


@router.get("")
async def plans(request: Request, category: str = Query("", max_length=16),
                session: Session = Depends(current)) -> Response:
    category = category if category in CATEGORIES else ""
    page = await request.app.state.gateway.call(session, "GET", "/ticketing/emergency-plans", params={
        "limit": 200, **({"category": category} if category else {})})
    return render(request, "desk/plans.html", session=session, nav="knowledge", tab="plans", page=page,
                  category=category, categories=CATEGORIES)


@router.get("/new")
async def new(request: Request, session: Session = Depends(current)) -> Response:
    return render(request, "desk/plan.html", session=session, nav="knowledge", tab="plans", plan=None,
                  categories=CATEGORIES, outcomes=OUTCOMES, today=datetime.now(SHANGHAI).date(),
                  systems=await systems_of(request.app.state, session))


@router.post("")
async def create(request: Request, code: str = Form(max_length=32), category: str = Form(max_length=16),
                 title: str = Form(max_length=200), scenario: str = Form(max_length=20000),
                 response_steps: str = Form(max_length=50000), roles: str = Form(max_length=20000),
                 systems: list[str] = Form(default=[]), drill_every_days: str = Form("", max_length=4),
                 session: Session = Depends(changing)) -> Response:
    made = await api_change(request, session, "POST", "/ticketing/emergency-plans", "plans.refused",
                            json=plan_body(code, category, title, scenario, response_steps, roles, systems,
                                           drill_every_days))
    return redirect(request, f"/console/plans/{made['id']}?done=created")


@router.get("/{plan_id}")
async def read(request: Request, plan_id: UUID, session: Session = Depends(current)) -> Response:
    plan = await request.app.state.gateway.call(session, "GET", f"/ticketing/emergency-plans/{plan_id}")
    done = request.query_params.get("done")
    return render(request, "desk/plan.html", session=session, nav="knowledge", tab="plans", plan=plan,
                  categories=CATEGORIES, outcomes=OUTCOMES, today=datetime.now(SHANGHAI).date(),
                  systems=await systems_of(request.app.state, session),
                  done=messages(f"plans.done.{done}") if done in DONE else None)


@router.post("/{plan_id}")
async def edit(request: Request, plan_id: UUID, version: int = Form(ge=1), code: str = Form(max_length=32),
               category: str = Form(max_length=16), title: str = Form(max_length=200),
               scenario: str = Form(max_length=20000), response_steps: str = Form(max_length=50000),
               roles: str = Form(max_length=20000), systems: list[str] = Form(default=[]),
               drill_every_days: str = Form("", max_length=4),
               session: Session = Depends(changing)) -> Response:
    body = {**plan_body(code, category, title, scenario, response_steps, roles, systems, drill_every_days),
            "version": version}
    await api_change(request, session, "PUT", f"/ticketing/emergency-plans/{plan_id}", "plans.refused",
                     stale="knowledge.stale", json=body)
    return redirect(request, f"/console/plans/{plan_id}?done=saved")


@router.post("/{plan_id}/drills")
async def drill(request: Request, plan_id: UUID, held_on: date = Form(),
                participants: str = Form(max_length=2000), scenario: str = Form(max_length=5000),
                outcome: str = Form(pattern=r"^(passed|partly|failed)$"),
                findings: str = Form("", max_length=20000), minutes_spent: str = Form("", max_length=4),
                session: Session = Depends(changing)) -> Response:
    """演练记录: who took part (posts or names as the minutes record them), what was drilled,
    how it went and what is to improve."""
    body = {"held_on": held_on.isoformat(), "participants": listed(participants, 100, spaces=False),
            "scenario": scenario.strip(), "outcome": outcome, "findings": findings.strip()}
    if minutes_spent.strip():
        if not minutes_spent.strip().isdigit():
            raise Refused(422, messages("plans.bad_minutes"))
        body["minutes_spent"] = int(minutes_spent.strip())
    await api_change(request, session, "POST", f"/ticketing/emergency-plans/{plan_id}/drills",
                     "plans.refused", json=body)
    return redirect(request, f"/console/plans/{plan_id}?done=drilled")
