"""运维服务售后记录单 (xinxiang 八2): a month's records, one per task completed — a resolved
fault or a work-log entry — each read as data and signed (or sent back with the reason) by
the client's officer on the SHA-256 of exactly what was shown; the month's forms downloaded
as DOCX or PDF to print."""

from __future__ import annotations

import asyncio
import calendar
import re
from datetime import date, datetime

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from opspact.calendar import SHANGHAI
from starlette.responses import Response

from console.sessions import Session
from console.web import Refused, api_change, changing, current, messages, passed_file, redirect, render

router = APIRouter(prefix="/console/service-records")
MONTH = re.compile(r"^\d{4}-\d{2}$")
NUMBER = Path(pattern=r"^[A-Za-z0-9-]{1,20}$")


def month_span(month: str) -> tuple[str, dict[str, str]]:
    """The month asked for (default: this one) and its first and last day."""
    if month and not MONTH.match(month):
        raise Refused(422, messages("records.bad_month"))
    today = datetime.now(SHANGHAI).date()
    year, number = (int(month[:4]), int(month[5:])) if month else (today.year, today.month)
    if not 1 <= number <= 12:
        raise Refused(422, messages("records.bad_month"))
    last = date(year, number, calendar.monthrange(year, number)[1])
    return f"{year:04d}-{number:02d}", {"from": date(year, number, 1).isoformat(), "to": last.isoformat()}


@router.get("")
async def month_records(request: Request, month: str = Query("", max_length=7),
                        session: Session = Depends(current)) -> Response:
    month, span = month_span(month)
    gateway = request.app.state.gateway
    register = await gateway.call(session, "GET", "/ticketing/service-records", params=span)
    numbers = [row[0] for s in register["sections"] for t in s["tables"] if t["caption"] == "记录单清单"
               for row in t["rows"]]
    found = await asyncio.gather(*(gateway.call(session, "GET", f"/ticketing/service-records/{n}")
                                   for n in numbers))
    done = request.query_params.get("done")
    return render(request, "desk/service_records.html", session=session, nav="deliverables", month=month,
                  records=found, span=span,
                  done=messages(f"deliverables.done.{done}") if done in ("accepted", "rejected") else None)


@router.get("/file/{month}/{fmt}")
async def download(request: Request, month: str, fmt: str, session: Session = Depends(current)) -> Response:
    if fmt not in ("docx", "pdf"):
        raise Refused(404, messages("error.not_found"))
    _, span = month_span(month)
    return await passed_file(request, session, "/ticketing/service-records", params={**span, "format": fmt})


@router.post("/{number}/sign")
async def sign(request: Request, number: str = NUMBER, sha256: str = Form(pattern=r"^[0-9a-f]{64}$"),
               decision: str = Form(pattern=r"^(accepted|rejected)$"),
               comment: str = Form("", max_length=2000), month: str = Form("", max_length=7),
               session: Session = Depends(changing)) -> Response:
    body = {"decision": decision, "sha256": sha256}
    if comment.strip():
        body["comment"] = comment.strip()
    await api_change(request, session, "POST", f"/ticketing/service-records/{number}/signoff",
                     "deliverables.refused", json=body)
    return redirect(request, f"/console/service-records?month={month_span(month)[0]}&done={decision}")
