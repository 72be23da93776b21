"""巡检台账: every round planned in a period with its state — recorded, made up, missed,
upcoming — each opening its checklist with the results and evidence, and the period exported
as the workbook the API writes (one row per checklist item)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from opspact.calendar import SHANGHAI
from starlette.responses import Response

from console.sessions import Session
from console.web import Refused, current, messages, passed_file, render

router = APIRouter(prefix="/console/inspections/ledger")
STATES = ("recorded", "made_up", "missed", "upcoming")
PAGE = 100
MAX_DAYS = 366  # a service year at most on one page


def period(start: str, end: str) -> tuple[date, date]:
    """The days asked for (default: this month so far), first ≤ last, at most a year."""
    today = datetime.now(SHANGHAI).date()
    try:
        first = date.fromisoformat(start) if start else today.replace(day=1)
        last = date.fromisoformat(end) if end else today
    except ValueError:
        raise Refused(422, messages("ledger.bad_period")) from None
    if last < first or (last - first).days > MAX_DAYS:
        raise Refused(422, messages("ledger.bad_period"))
    return first, last


def api_span(first: date, last: date) -> dict[str, str]:
    return {"from": datetime.combine(first, time(), SHANGHAI).isoformat(),
            "to": datetime.combine(last + timedelta(days=1), time(), SHANGHAI).isoformat()}


@router.get("")
async def ledger(request: Request, start: str = Query("", max_length=10), end: str = Query("", max_length=10),
                 state: str = Query("", max_length=16), page: int = Query(1, ge=1, le=10_000),
                 session: Session = Depends(current)) -> Response:
    first, last = period(start, end)
    state = state if state in STATES else ""
    params = {**api_span(first, last), "limit": PAGE, "offset": (page - 1) * PAGE}
    if state:
        params["state"] = state
    listed = await request.app.state.gateway.call(session, "GET", "/ticketing/inspections/rounds",
                                                  params=params)

    def link(**changes) -> str:
        values = {"start": first.isoformat(), "end": last.isoformat(), "state": state, "page": 1, **changes}
        kept = {k: v for k, v in values.items() if v not in ("", 1)}
        return "/console/inspections/ledger?" + urlencode(kept)

    return render(request, "desk/inspection_ledger.html", session=session, nav="inspections",
                  rounds=listed["items"], counts=listed.get("counts", {}), states=STATES, state=state,
                  start=first.isoformat(), end=last.isoformat(), page=page,
                  pages=max(1, -(-listed["total"] // PAGE)), link=link, page_link=lambda n: link(page=n))


@router.get("/export")
async def export(request: Request, start: str = Query("", max_length=10), end: str = Query("", max_length=10),
                 session: Session = Depends(current)) -> Response:
    first, last = period(start, end)
    return await passed_file(request, session, "/ticketing/inspections/export", params=api_span(first, last))
