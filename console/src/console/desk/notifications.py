"""通知: what went to whom and what became of it — filtered by status, channel, rule, who and
when — the SMS quota of the service year, and failed messages sent again by the project
manager once the cause is fixed."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode
from uuid import UUID

from fastapi import APIRouter, Depends, Form, Query, Request
from opspact.calendar import SHANGHAI
from starlette.responses import Response

from console.messages import LABELS
from console.sessions import Session
from console.web import Refused, api_change, changing, current, messages, redirect, render

router = APIRouter(prefix="/console/notifications")
PAGE = 50
STATUSES = tuple(LABELS["notification_status"])
CHANNELS = tuple(LABELS["notification_channel"])


def day_start(text: str, field: str) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.combine(date.fromisoformat(text), time(), SHANGHAI)
    except ValueError:
        raise Refused(422, messages("notifications.bad_day", field=field)) from None


@router.get("")
async def history(request: Request, status: str = Query("", max_length=16),
                  channel: str = Query("", max_length=16), who: str = Query("", max_length=128),
                  rule: str = Query("", max_length=64), start: str = Query("", max_length=10),
                  end: str = Query("", max_length=10), page: int = Query(1, ge=1, le=20_000),
                  session: Session = Depends(current)) -> Response:
    if status and status not in STATUSES or channel and channel not in CHANNELS:
        raise Refused(422, messages("notifications.bad_filter"))
    first, last = day_start(start, "start"), day_start(end, "end")
    params: dict[str, str | int] = {"limit": PAGE, "offset": (page - 1) * PAGE}
    params.update({k: v for k, v in (("status", status), ("channel", channel), ("rule", rule)) if v})
    if who:  # the address it went to: a mobile number, a mailbox, a group robot
        params["recipient"] = who.strip()
    if first:
        params["from"] = first.isoformat()
    if last:
        params["to"] = (last + timedelta(days=1)).isoformat()  # the end day included
    gateway = request.app.state.gateway
    listed = await gateway.call(session, "GET", "/notify/notifications", params=params)
    quota = await gateway.call(session, "GET", "/notify/quota")
    filters = {"status": status, "channel": channel, "who": who, "rule": rule, "start": start, "end": end}
    kept = {k: v for k, v in filters.items() if v}
    done = request.query_params.get("requeued")
    return render(request, "desk/notifications.html", session=session, nav="notifications", tab="history",
                  listed=listed, quota=quota, filters=filters, statuses=STATUSES, channels=CHANNELS,
                  page=page, pages=max(1, -(-listed["total"] // PAGE)),
                  page_link=lambda n: "/console/notifications?" + urlencode({**kept, "page": n}),
                  done=messages("notifications.requeued", n=done) if done and done.isdigit() else None)


@router.post("/replay")
async def replay(request: Request, ids: list[UUID] = Form(default=[]),
                 session: Session = Depends(changing)) -> Response:
    """重新发送: the failed messages chosen, queued again (the API says which it skipped)."""
    if not ids:
        raise Refused(422, messages("notifications.none_chosen"))
    answer = await api_change(request, session, "POST", "/notify/notifications/replay",
                              "notifications.refused", json={"ids": [str(i) for i in ids[:1000]]})
    if answer["skipped"] and not answer["requeued"]:
        raise Refused(409, messages("notifications.skipped") + "；".join(answer["skipped"].values()))
    return redirect(request, f"/console/notifications?requeued={len(answer['requeued'])}")
