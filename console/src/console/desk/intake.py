"""A new ticket as the duty engineer takes it on the phone: reporter, system (the
contract's list), kind, priority, title and description — fast to fill by keyboard
(autofocus on the reporter, the order people say it in, Enter in the last field sends).

Each form carries an idempotency key of its own: a double click or a resent form creates
one ticket, not two."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Depends, Form, Request
from starlette.responses import Response

from console.api import ApiError
from console.desk.reference import systems_of
from console.messages import LABELS
from console.sessions import Session
from console.web import changing, current, flash, messages, redirect, render

router = APIRouter(prefix="/console/tickets")


@router.get("/new")
async def new_ticket_page(request: Request, session: Session = Depends(current)) -> Response:
    return render(request, "desk/new.html", session=session,
                  systems=await systems_of(request.app.state, session),
                  idempotency_key=str(uuid.uuid4()), form={})


@router.post("/new")
async def create_ticket(request: Request, system: str = Form(max_length=64),
                        title: str = Form(max_length=200), description: str = Form("", max_length=20000),
                        reporter: str = Form("", max_length=100), kind: str = Form("incident"),
                        priority: str = Form("p3"), channel: str = Form("hotline"),
                        idempotency_key: str = Form(max_length=128),
                        session: Session = Depends(changing)) -> Response:
    if kind not in LABELS["kind"] or priority not in LABELS["priority"] or channel not in LABELS["channel"]:
        return flash(request, "类型、优先级或渠道无效", status_code=422)
    body = {"system": system.strip(), "title": title.strip(), "description": description.strip(),
            "reporter": reporter.strip() or None, "kind": kind, "priority": priority,
            "channel": channel}
    try:
        ticket = await request.app.state.gateway.call(
            session, "POST", "/ticketing/tickets", json=body,
            headers={"Idempotency-Key": idempotency_key})
    except ApiError as exc:
        if exc.status == 422:
            return flash(request, f"{messages('error.title')}：{exc}", status_code=422)
        raise
    return redirect(request, f"/console/tickets/{ticket['id']}?created=1")
