"""对账单: a period's invoices, payments and damages, and at its end what is due, what is kept
back, the late-payment interest line by line and the net receivable — read in the page and
downloaded as the XLSX billing writes."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from console.api import ApiError
from console.sessions import Session
from console.web import Refused, current, passed_file, render

router = APIRouter(prefix="/console/finance/statement")


def period_params(start: str, end: str) -> dict[str, str]:
    """The period as typed (empty: billing's defaults, from signing to today); a day that is
    not a day is refused here, a backwards or too long period by billing."""
    params = {}
    for name, text in (("from", start), ("to", end)):
        if text:
            try:
                params[name] = date.fromisoformat(text).isoformat()
            except ValueError:
                raise Refused(422, f"日期无效：{text[:20]}") from None
    return params


@router.get("")
async def statement(request: Request, start: str = "", end: str = "",
                    session: Session = Depends(current)) -> Response:
    params = period_params(start, end)
    try:
        body = await request.app.state.gateway.call(session, "GET", "/billing/statement", params=params)
    except ApiError as exc:
        if exc.status != 422:
            raise
        raise Refused(422, f"期间无效：{exc}") from exc
    return render(request, "desk/finance_statement.html", session=session, nav="finance", tab="statement",
                  statement=body, names={m["code"]: m["name"] for m in body["milestones"]})


@router.get("/export")
async def export(request: Request, start: str = "", end: str = "",
                 session: Session = Depends(current)) -> Response:
    return await passed_file(request, session, "/billing/statement/export", params=period_params(start, end))
