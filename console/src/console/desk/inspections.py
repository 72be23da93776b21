"""Inspections today: the rounds due and overdue, and a round's checklist recorded on a
phone — a result per item, a note for an anomaly, photos from the phone's camera as
evidence — and an incident opened from an anomaly.

Recording is one form: the console records the round (PUT, idempotent: the same record
sent twice is one round) and then attaches each photo to its item, as the API wants
evidence for a recorded round. The time the page was opened is the round's start."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from opspact.calendar import SHANGHAI
from starlette.datastructures import UploadFile
from starlette.responses import Response

from console.api import ApiError
from console.sessions import Session
from console.web import Refused, changing, current, flash, messages, redirect, render

router = APIRouter(prefix="/console/inspections")
# ticketing keeps evidence up to 1 MB a file (evidence_max_bytes); the page makes a phone's
# photos that small before sending, and anything larger is refused before the round is
# recorded, so a refused photo never leaves a round recorded without its evidence
MAX_PHOTO_BYTES = 1_000_000
PHOTO_TYPES = {"image/jpeg", "image/png", "application/pdf"}
MISSED_LOOKBACK_DAYS = 7


def path_of(round_key: str) -> str:
    return f"/ticketing/inspections/rounds/{quote(round_key, safe='@')}"


@router.get("")
async def today(request: Request, session: Session = Depends(current)) -> Response:
    gateway = request.app.state.gateway
    now = datetime.now(SHANGHAI)
    start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    rounds = await gateway.call(session, "GET", "/ticketing/inspections/rounds", params={
        "from": start.isoformat(), "to": (start + timedelta(days=1)).isoformat(), "limit": 200})
    missed = await gateway.call(session, "GET", "/ticketing/inspections/rounds", params={
        "from": (start - timedelta(days=MISSED_LOOKBACK_DAYS)).isoformat(), "to": start.isoformat(),
        "state": "missed", "limit": 200})
    for item in rounds["items"] + missed["items"]:
        due = datetime.fromisoformat(item["due_at"])
        item["due_now"] = item["state"] == "upcoming" and due <= now
    return render(request, "desk/inspections.html", session=session, nav="inspections",
                  rounds=rounds["items"], missed=missed["items"], counts=rounds.get("counts", {}))


@router.get("/{round_key}")
async def round_page(request: Request, round_key: str, recorded: bool = False,
                     session: Session = Depends(current)) -> Response:
    inspection = await request.app.state.gateway.call(session, "GET", path_of(round_key))
    return render(request, "desk/round.html", session=session, nav="inspections", round=inspection,
                  opened_at=datetime.now(SHANGHAI).isoformat(timespec="seconds"),
                  notice=messages("inspection.recorded") if recorded else "")


@router.post("/{round_key}")
async def record(request: Request, round_key: str, started_at: str = Form(max_length=40),
                 session: Session = Depends(changing)) -> Response:
    gateway = request.app.state.gateway
    inspection = await gateway.call(session, "GET", path_of(round_key))
    form = await request.form()
    results, photos = [], []
    for item in inspection.get("items") or []:
        key = item["item"]
        status = form.get(f"status:{key}")
        if status not in ("ok", "anomaly"):
            return flash(request, f"请为“{item['name']}”选择巡检结果", status_code=422)
        note = (form.get(f"note:{key}") or "").strip()[:2000]
        if status == "anomaly" and not note:
            return flash(request, f"“{item['name']}”异常，请填写说明", status_code=422)
        results.append({"item": key, "status": status, "note": note or None})
        for photo in form.getlist(f"photo:{key}"):
            if isinstance(photo, UploadFile) and photo.filename:
                photos.append((key, photo))
    for _, photo in photos:  # refuse before anything is recorded
        if (photo.content_type or "").split(";")[0] not in PHOTO_TYPES:
            return flash(request, f"{photo.filename} 不是照片（JPEG/PNG）或 PDF", status_code=415)
        if photo.size is not None and photo.size > MAX_PHOTO_BYTES:
            return flash(request, f"{photo.filename} 超过 1 MB，请压缩后再上传", status_code=413)
    try:
        started = datetime.fromisoformat(started_at)
    except ValueError as exc:
        raise Refused(422, "开始时间无效") from exc
    body = {"inspector": session.subject, "started_at": started.isoformat(),
            "ended_at": datetime.now(SHANGHAI).isoformat(timespec="seconds"), "items": results}
    await gateway.call(session, "PUT", path_of(round_key), json=body)
    for key, photo in photos:
        content = await photo.read(MAX_PHOTO_BYTES + 1)
        await gateway.call(session, "POST", f"{path_of(round_key)}/items/{quote(key)}/evidence",
                           content=content, headers={
                               "Content-Type": photo.content_type.split(";")[0],
                               "X-Filename": quote(photo.filename[:200])})
    return redirect(request, f"/console/inspections/{quote(round_key, safe='@')}?recorded=1")


@router.post("/{round_key}/items/{item}/incident")
async def incident(request: Request, round_key: str, item: str, priority: str = Form("p3"),
                   session: Session = Depends(changing)) -> Response:
    if priority not in ("p1", "p2", "p3", "p4"):
        raise Refused(422, "优先级无效")
    try:
        ticket = await request.app.state.gateway.call(
            session, "POST", f"{path_of(round_key)}/items/{quote(item)}/incident",
            json={"priority": priority})
    except ApiError as exc:
        if exc.status in (409, 422):
            return flash(request, str(exc), status_code=exc.status)
        raise
    return redirect(request, f"/console/tickets/{ticket['id']}?created=1")
