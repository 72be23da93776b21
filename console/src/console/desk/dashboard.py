"""概览: the project manager's dashboard — the day's figures for the tenant shown and, for a
person holding several contracts, one line per contract — and the period's charts (SLA
attainment per clock, volume by system, response times) drawn from the numbers the period's
report prints, from the same API, so the dashboard and the report never disagree."""

from __future__ import annotations

import asyncio
import json
import re
from datetime import datetime

from fastapi import APIRouter, Depends, Request
from opspact.calendar import SHANGHAI
from starlette.responses import Response

from console.api import ApiError
from console.desk import figures
from console.sessions import Session
from console.web import current, render

router = APIRouter(prefix="/console/dashboard")
# the longest period the contract reports on draws the most telling trend (months)
KIND_ORDER = ("annual", "half_yearly", "quarterly", "monthly", "weekly")
PERIOD = re.compile(r"^\d{4}(-(W\d{2}|\d{2}|Q[1-4]|H[12]))?$")


async def report_charts(gateway, session: Session, kind: str, period: str) -> dict:
    """The catalogue's periods of the longest kind the contract asks for, the one chosen
    (default: the latest begun) and its report's charts with their captions."""
    try:
        catalogue = await gateway.call(session, "GET", "/ticketing/reports")
    except ApiError as exc:
        if exc.status != 422:  # a term not known yet (wuqia before acceptance)
            raise
        return {"kinds": [], "periods": [], "kind": "", "period": "", "charts": [], "title": ""}
    kinds = [k for k in KIND_ORDER if k in catalogue["kinds"]]
    kind = kind if kind in kinds else (kinds[0] if kinds else "")
    periods = [p for p in catalogue["periods"] if p["kind"] == kind]
    codes = [p["code"] for p in periods]
    period = period if PERIOD.match(period or "") and period in codes else (codes[-1] if codes else "")
    charts, title = [], ""
    if kind and period:
        report = await gateway.call(session, "GET", f"/ticketing/reports/{kind}", params={"period": period})
        charts = [c for s in report["sections"] for c in s.get("charts", [])]
        title = report["title"]
    return {"kinds": kinds, "periods": periods, "kind": kind, "period": period, "charts": charts,
            "title": title}


@router.get("")
async def dashboard(request: Request, kind: str = "", period: str = "",
                    session: Session = Depends(current)) -> Response:
    gateway = request.app.state.gateway
    now = datetime.now(SHANGHAI)
    others = [t for t in session.tenants if t != session.tenant]
    mine, chart_part, *theirs = await asyncio.gather(
        figures.gather(gateway, session, now),
        report_charts(gateway, session, kind, period) if session.may("reports.read") else _none(),
        *(figures.gather_for(gateway, session, t) for t in others))
    return render(request, "desk/dashboard.html", session=session, nav="dashboard", f=mine,
                  across=[mine, *theirs] if others else [], report=chart_part, now=now,
                  month_start=figures.month_start(now).date().isoformat(),
                  open_statuses=figures.OPEN, ages=figures.AGES, priorities=figures.PRIORITIES,
                  queue_link=figures.queue_link, amount_sum=figures.amount_sum,
                  chart_json=lambda c: json.dumps(c, ensure_ascii=False))


async def _none() -> None:
    return None
