"""违约金台账: every amount the contract's damages clauses put on the vendor, with the clause
and the computation; a proposed entry confirmed, or waived with the reason, by the managers
of either side; a confirmed one kept back from a milestone's payment by finance."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Path, Request
from starlette.responses import Response

from console.desk.money import value
from console.sessions import Session
from console.web import api_change, changing, current, messages, redirect, render

router = APIRouter(prefix="/console/finance/damages")
STATES = ("proposed", "confirmed", "deducted", "waived")
PAGE = 50
KEY = Path(min_length=1, max_length=200)
DONE = {"confirmed", "waived", "deducted"}


@router.get("")
async def ledger(request: Request, state: str = "", page: int = 1,
                 session: Session = Depends(current)) -> Response:
    state = state if state in STATES else ""
    page = max(1, min(page, 10_000))
    gateway = request.app.state.gateway
    everything = await gateway.call(session, "GET", "/billing/ledger", params={"limit": 1})
    shown = await gateway.call(session, "GET", "/billing/ledger", params={
        "limit": PAGE, "offset": (page - 1) * PAGE, **({"state": state} if state else {})})
    milestones = await gateway.call(session, "GET", "/billing/milestones")
    done = request.query_params.get("done")
    return render(request, "desk/finance_damages.html", session=session, nav="finance", tab="damages",
                  ledger=shown, totals=everything["totals"], counted_total=everything["total"],
                  names={m["code"]: m["name"] for m in milestones}, state=state, states=STATES,
                  page=page, pages=max(1, -(-shown["total"] // PAGE)),
                  page_link=lambda n: "/console/finance/damages?" + urlencode(
                      {**({"state": state} if state else {}), "page": n}),
                  # the API's rule: the whole entry from one milestone still owing at least that
                  fits=lambda entry: [m for m in milestones
                                      if value(m["outstanding"]) >= value(entry["counted_amount"])],
                  done=messages(f"damages.done.{done}") if done in DONE else None)


def back_to(state: str, done: str) -> str:
    return "/console/finance/damages?" + urlencode({**({"state": state} if state in STATES else {}),
                                                   "done": done})


@router.post("/{key}/confirm")
async def confirm(request: Request, key: str = KEY, reason: str = Form("", max_length=1000),
                  back: str = Form("", max_length=16), session: Session = Depends(changing)) -> Response:
    body = {"reason": reason.strip()} if reason.strip() else {}
    await api_change(request, session, "POST", f"/billing/ledger/{key}/confirm", "damages.refused", json=body)
    return redirect(request, back_to(back, "confirmed"))


@router.post("/{key}/waive")
async def waive(request: Request, key: str = KEY, reason: str = Form(min_length=1, max_length=1000),
                back: str = Form("", max_length=16), session: Session = Depends(changing)) -> Response:
    await api_change(request, session, "POST", f"/billing/ledger/{key}/waive", "damages.refused",
                     json={"reason": reason.strip()})
    return redirect(request, back_to(back, "waived"))


@router.post("/{key}/deduct")
async def deduct(request: Request, key: str = KEY, milestone: str = Form(min_length=1, max_length=32),
                 reason: str = Form("", max_length=1000), back: str = Form("", max_length=16),
                 session: Session = Depends(changing)) -> Response:
    """扣减: the whole entry kept back from one milestone's payment."""
    body = {"milestone": milestone, **({"reason": reason.strip()} if reason.strip() else {})}
    await api_change(request, session, "POST", f"/billing/ledger/{key}/deduct", "damages.refused", json=body)
    return redirect(request, back_to(back, "deducted"))
