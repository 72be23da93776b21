"""账号托管: the register of privileged accounts — which account on which asset, its
privilege, the client-side custodian and the vendor staff who hold it, when it was last
rotated and when it is due (overdue first). Never a secret: a rotation is recorded by
when it happened, and the API refuses anything that looks like a password."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Path, Request
from opspact.calendar import SHANGHAI
from starlette.responses import Response

from console.sessions import Session
from console.web import Refused, api_change, changing, current, messages, redirect, render

router = APIRouter(prefix="/console/credentials")
CODE = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"


@router.get("")
async def register(request: Request, overdue: bool = False, session: Session = Depends(current)) -> Response:
    params = {"limit": 200, "status": "active", **({"overdue": "true"} if overdue else {})}
    listed = await request.app.state.gateway.call(session, "GET", "/inventory/credentials", params=params)
    rotated = request.query_params.get("done") == "rotated"
    return render(request, "desk/credentials.html", session=session, nav="inventory", tab="credentials",
                  listed=listed, overdue=overdue, now=datetime.now(SHANGHAI).strftime("%Y-%m-%dT%H:%M"),
                  done=messages("credentials.rotated") if rotated else None)


@router.post("/{code}/rotations")
async def rotated(request: Request, code: str = Path(pattern=CODE), rotated_at: str = Form(max_length=16),
                  note: str = Form("", max_length=500), session: Session = Depends(changing)) -> Response:
    """改密登记: when the secret was changed (a local time, Shanghai), never the secret."""
    try:
        when = datetime.fromisoformat(rotated_at).replace(tzinfo=SHANGHAI)
    except ValueError:
        raise Refused(422, messages("credentials.bad_time")) from None
    body = {"rotated_at": when.isoformat(), **({"note": note.strip()} if note.strip() else {})}
    await api_change(request, session, "POST", f"/inventory/credentials/{quote(code, safe='')}/rotations",
                     "credentials.refused", json=body)
    return redirect(request, "/console/credentials?done=rotated")
