"""排班: a week of the roster as a grid — the contract's posts down, the days across — with
each shift, the stretches where a post has fewer people than the contract requires marked in
the day they fall, shifts added by form and removed by the project manager; and the staff
register with the security paperwork the contracts ask for."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from opspact.calendar import SHANGHAI
from starlette.responses import Response

from console.api import ApiError
from console.desk.duty import WEEKDAYS
from console.desk.reference import post_names_of
from console.sessions import Session
from console.web import Refused, api_change, changing, current, messages, redirect, render

router = APIRouter(prefix="/console")


@dataclass
class Cell:
    day: date
    shifts: list[dict] = field(default_factory=list)
    gaps: list[dict] = field(default_factory=list)


@dataclass
class Row:
    post: str
    name: str
    cells: list[Cell]


def monday_of(text: str) -> date:
    today = datetime.now(SHANGHAI).date()
    try:
        day = date.fromisoformat(text) if text else today
    except ValueError:
        raise Refused(422, messages("roster.bad_week")) from None
    return day - timedelta(days=day.weekday())


def local(value: str) -> datetime:
    return datetime.fromisoformat(value).astimezone(SHANGHAI)


def week_grid(monday: date, posts: dict[str, str], shifts: list[dict], gaps: list[dict]) -> list[Row]:
    """One row per post (the contract's, then any other a shift names), a cell per day: the
    shifts starting that day and the gaps overlapping it."""
    codes = list(posts) + sorted({s["post"] for s in shifts} - set(posts))
    rows = {code: Row(code, posts.get(code, code), [Cell(monday + timedelta(days=i)) for i in range(7)])
            for code in codes}
    for shift in sorted(shifts, key=lambda s: s["starts_at"]):
        offset = (local(shift["starts_at"]).date() - monday).days
        if 0 <= offset < 7:
            rows[shift["post"]].cells[offset].shifts.append(shift)
    for gap in gaps:
        if gap["post"] not in rows:
            continue
        first, last = local(gap["starts_at"]), local(gap["ends_at"]) - timedelta(microseconds=1)
        for cell in rows[gap["post"]].cells:
            if first.date() <= cell.day <= last.date():
                cell.gaps.append(gap)
    return list(rows.values())


@router.get("/roster")
async def roster(request: Request, week: str = Query("", max_length=10),
                 session: Session = Depends(current)) -> Response:
    monday = monday_of(week)
    start = datetime.combine(monday, time(), SHANGHAI)
    span = {"from": start.isoformat(), "to": (start + timedelta(days=7)).isoformat()}
    gateway = request.app.state.gateway
    shifts = await gateway.call(session, "GET", "/inventory/roster/shifts", params=span)
    gaps = await gateway.call(session, "GET", "/inventory/roster/gaps", params=span)
    posts = await post_names_of(request.app.state, session)
    staff = await _staff(gateway, session)
    names = {s["code"]: s["name"] for s in staff}
    done = request.query_params.get("done")
    return render(request, "desk/roster.html", session=session, nav="inventory", tab="roster",
                  rows=week_grid(monday, posts, shifts, gaps), monday=monday, weekdays=WEEKDAYS,
                  previous=(monday - timedelta(days=7)).isoformat(),
                  following=(monday + timedelta(days=7)).isoformat(),
                  gaps=gaps, posts=posts, staff=[s for s in staff if s["status"] == "active"], names=names,
                  local=local, today=datetime.now(SHANGHAI).date(),
                  done=messages(f"roster.done.{done}") if done in ("added", "removed") else None)


async def _staff(gateway, session: Session) -> list[dict]:
    """The staff to choose from (those who may read the register); none otherwise."""
    try:
        return await gateway.call(session, "GET", "/inventory/staff")
    except ApiError as exc:
        if exc.status == 403:
            return []
        raise


@router.post("/roster/shifts")
async def add_shift(request: Request, post: str = Form(max_length=64), staff: str = Form(max_length=64),
                    day: date = Form(), starts: time = Form(), ends: time = Form(),
                    session: Session = Depends(changing)) -> Response:
    """A shift on `day` from `starts` to `ends` (the next day when it ends earlier: a night)."""
    first = datetime.combine(day, starts, SHANGHAI)
    last = datetime.combine(day + timedelta(days=1) if ends <= starts else day, ends, SHANGHAI)
    await api_change(request, session, "POST", "/inventory/roster/shifts", "roster.refused", json={
        "shifts": [{"post": post, "staff": staff, "starts_at": first.isoformat(),
                    "ends_at": last.isoformat()}]})
    return redirect(request, f"/console/roster?week={day.isoformat()}&done=added")


@router.post("/roster/shifts/{shift_id}/remove")
async def remove_shift(request: Request, shift_id: int = Path(ge=1, le=2**62),
                       week: str = Form("", max_length=10), session: Session = Depends(changing)) -> Response:
    await api_change(request, session, "DELETE", f"/inventory/roster/shifts/{shift_id}", "roster.refused")
    return redirect(request, f"/console/roster?week={monday_of(week).isoformat()}&done=removed")


@router.get("/staff")
async def staff(request: Request, session: Session = Depends(current)) -> Response:
    people = await request.app.state.gateway.call(session, "GET", "/inventory/staff")
    return render(request, "desk/staff.html", session=session, nav="inventory", tab="staff", people=people,
                  posts=await post_names_of(request.app.state, session))
