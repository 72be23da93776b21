"""On duty: who is on duty now and this week (the roster), the roster's gaps against the
contract's staffing, and check-in / check-out where the contract asks for attendance."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from fastapi import APIRouter, Depends, Form, Request, UploadFile
from opspact import tabular
from opspact.calendar import SHANGHAI
from starlette.responses import Response

from console.api import ApiError
from console.desk.reference import post_names_of
from console.sessions import Session
from console.web import Refused, changing, current, flash, messages, redirect, render

router = APIRouter(prefix="/console/duty")
WEEKDAYS = "一二三四五六日"
MAX_IMPORT_BYTES = 1024 * 1024  # the API's own body limit


async def optional(call):
    """What a call answers, or None where this person may not read it (403) — a client's
    officer sees the roster but not the vendor's attendance, say."""
    try:
        return await call
    except ApiError as exc:
        if exc.status == 403:
            return None
        raise


@router.get("")
async def duty(request: Request, session: Session = Depends(current)) -> Response:
    gateway = request.app.state.gateway
    now = datetime.now(SHANGHAI)
    monday = (now - timedelta(days=now.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)
    week = {"from": monday.isoformat(), "to": (monday + timedelta(days=7)).isoformat()}
    shifts = await optional(gateway.call(session, "GET", "/inventory/roster/shifts", params=week)) or []
    gaps = await optional(gateway.call(session, "GET", "/inventory/roster/gaps", params=week)) or []
    mine = None
    if session.may("attendance.record"):
        today = now.date()  # dates here: a shift that began yesterday may still be open
        records = await optional(gateway.call(session, "GET", "/inventory/attendance", params={
            "staff": session.subject, "from": (today - timedelta(days=1)).isoformat(),
            "to": (today + timedelta(days=1)).isoformat(), "limit": 20}))
        items = (records or {}).get("items", [])
        mine = next((r for r in items if not r.get("check_out_at")), None), items[:5]
    on_now = [s for s in shifts
              if datetime.fromisoformat(s["starts_at"]) <= now < datetime.fromisoformat(s["ends_at"])]
    by_day: dict[str, list[dict]] = defaultdict(list)
    for shift in sorted(shifts, key=lambda s: (s["starts_at"], s["post"])):
        start = datetime.fromisoformat(shift["starts_at"]).astimezone(SHANGHAI)
        by_day[f"{start:%m-%d} 周{WEEKDAYS[start.weekday()]}"].append(shift)
    return render(request, "desk/duty.html", session=session, nav="duty", on_now=on_now,
                  by_day=dict(by_day), gaps=gaps, attendance=mine, week_start=monday,
                  posts=await post_names_of(request.app.state, session))


@router.post("/import")
async def import_attendance(request: Request, file: UploadFile,
                            session: Session = Depends(changing)) -> Response:
    """The project manager's upload of a site's door or attendance system's export."""
    content = await file.read(MAX_IMPORT_BYTES + 1)
    if len(content) > MAX_IMPORT_BYTES:
        return flash(request, "文件不能超过 1 MB，请按月拆分", status_code=413)
    name = (file.filename or "").lower()
    kind = tabular.XLSX if name.endswith(".xlsx") else tabular.CSV
    try:
        done = await request.app.state.gateway.call(session, "POST", "/inventory/attendance/import",
                                                    content=content, headers={"Content-Type": kind})
    except ApiError as exc:
        if exc.status in (413, 415, 422):  # the file's problems, each row named
            return flash(request, f"导入失败，未导入任何记录：{exc}", status_code=exc.status)
        raise
    return flash(request, messages("duty.imported", imported=done["imported"], unchanged=done["unchanged"]),
                 kind="ok")


@router.post("/{action}")
async def attendance(request: Request, action: str, note: str = Form("", max_length=500),
                     session: Session = Depends(changing)) -> Response:
    if action not in ("check-in", "check-out"):
        raise Refused(404, "找不到该页面。")
    try:
        await request.app.state.gateway.call(session, "POST", f"/inventory/attendance/{action}",
                                             json={"note": note.strip()})
    except ApiError as exc:
        if exc.status in (404, 409, 422):  # not on the staff list, already checked in, …
            return flash(request, str(exc), status_code=exc.status)
        raise
    return redirect(request, "/console/duty")
