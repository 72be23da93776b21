"""报告: the periodic reports the contract asks for — a period's report read in the page,
downloaded as DOCX, PDF or XLSX, published to the archive by the project manager — and the
archive with each version and the client's sign-off."""

from __future__ import annotations

import re
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request
from starlette.responses import Response

from console.api import ApiError
from console.sessions import Session
from console.web import Refused, api_change, changing, current, messages, passed_file, redirect, render

router = APIRouter(prefix="/console/reports")
KINDS = ("weekly", "monthly", "quarterly", "half_yearly", "annual")
PERIOD = re.compile(r"^\d{4}(-(W\d{2}|\d{2}|Q[1-4]|H[12]))?$")
FORMATS = ("docx", "pdf", "xlsx")


@router.get("")
async def reports(request: Request, kind: str = "", period: str = "",
                  session: Session = Depends(current)) -> Response:
    gateway = request.app.state.gateway
    try:
        catalogue = await gateway.call(session, "GET", "/ticketing/reports")
    except ApiError as exc:
        if exc.status != 422:  # a term not known yet (wuqia before acceptance): no catalogue
            raise
        catalogue = {"kinds": [], "periods": [], "clause": str(exc)}
    kind = kind if kind in catalogue["kinds"] else (catalogue["kinds"][0] if catalogue["kinds"] else "")
    ended = [p for p in catalogue["periods"] if p["kind"] == kind and p["complete"]]
    period = period if PERIOD.match(period or "") else (ended[-1]["code"] if ended else "")
    report = None
    if kind and period:
        report = await gateway.call(session, "GET", f"/ticketing/reports/{kind}", params={"period": period})
    archive = await gateway.call(session, "GET", "/ticketing/report-archive",
                                 params={"limit": 50, **({"kind": kind} if kind else {})})
    done = request.query_params.get("done")
    return render(request, "desk/reports.html", session=session, nav="reports", catalogue=catalogue,
                  kind=kind, period=period, periods=[p for p in catalogue["periods"] if p["kind"] == kind],
                  report=report, archive=archive["items"], formats=FORMATS,
                  done=messages("reports.published") if done == "published" else None)


@router.get("/file/{kind}/{period}/{fmt}")
async def download(request: Request, kind: str, period: str, fmt: str,
                   session: Session = Depends(current)) -> Response:
    """The live report as a file (the archived ones are downloaded from the register)."""
    if kind not in KINDS or not PERIOD.match(period) or fmt not in FORMATS:
        raise Refused(404, messages("error.not_found"))
    return await passed_file(request, session, f"/ticketing/reports/{kind}",
                             params={"period": period, "format": fmt})


@router.post("/publish")
async def publish(request: Request, kind: str = Form(max_length=16), period: str = Form(max_length=10),
                  reason: str = Form("", max_length=500), session: Session = Depends(changing)) -> Response:
    """归档: the ended period's report published (again, with the reason, when one is given)."""
    body = {"kind": kind, "period": period}
    if reason.strip():
        body.update(again=True, reason=reason.strip())
    # refused: the period has not ended, a kind the contract does not ask for
    await api_change(request, session, "POST", "/ticketing/report-archive", "reports.refused", json=body)
    return redirect(request, f"/console/reports?{urlencode({'kind': kind, 'period': period})}&done=published")
