"""死信: events a service's consumer could not apply (a damages entry, a notification, a
clock) parked with the error, per service, and replayed by the project manager once the
cause is fixed — the consumer applies it as it would have."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Depends, Path, Request
from opspact.permissions import CONSUMING_SERVICES
from starlette.responses import Response

from console.sessions import Session
from console.web import api_change, changing, current, messages, redirect, render

router = APIRouter(prefix="/console/notifications/dead-letters")
SERVICE = Path(pattern=f"^({'|'.join(CONSUMING_SERVICES)})$")  # the services with an inbox consumer


@router.get("")
async def dead_letters(request: Request, status: str = "parked",
                       session: Session = Depends(current)) -> Response:
    status = status if status in ("parked", "replayed") else "parked"
    gateway = request.app.state.gateway
    pages = await asyncio.gather(*(gateway.call(session, "GET", f"/{service}/dead-letters",
                                                params={"status": status, "limit": 100})
                                   for service in CONSUMING_SERVICES))
    parked = dict(zip(CONSUMING_SERVICES, pages, strict=True))
    done = request.query_params.get("replayed")
    return render(request, "desk/dead_letters.html", session=session, nav="notifications", tab="dead",
                  parked=parked, status=status,
                  done=messages("deadletters.replayed", id=done) if done and done.isdigit() else None)


@router.post("/{service}/{letter_id}/replay")
async def replay(request: Request, service: str = SERVICE, letter_id: int = Path(ge=1, le=2**62),
                 session: Session = Depends(changing)) -> Response:
    await api_change(request, session, "POST", f"/{service}/dead-letters/{letter_id}/replay",
                     "deadletters.refused")
    return redirect(request, f"/console/notifications/dead-letters?replayed={letter_id}")
