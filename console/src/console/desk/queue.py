"""The duty desk's queue: tickets with filters, sort and paging, each row's SLA clocks,
the "about to breach" and "breached" views, and bulk assign / transition / comment.

The page is the API's list call rendered (GET /api/ticketing/tickets): the filters are
the API's own, so a link to a filtered queue is a link to the same answer."""

from __future__ import annotations

import asyncio
import math
import re
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import Response

from console.api import ApiError
from console.desk.reference import systems_of
from console.messages import LABELS
from console.sessions import Session
from console.web import Refused, changing, current, flash, is_htmx, messages, render

router = APIRouter(prefix="/console")
PAGE_SIZE = 50
VIEWS = {"all": {}, "due": {"due_within": "2h"}, "breached": {"breached": "true"}}
OPEN_STATUSES = ["new", "acknowledged", "dispatched", "on_site", "waiting_other_unit",
                 "waiting_finance_dept", "waiting_client"]
UUID_TEXT = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
SORTS = ["-created_at", "created_at", "due", "-updated_at", "priority", "relevance"]


@dataclass
class QueueQuery:
    """The queue's filters as the browser sends them, checked and turned into the API's."""
    status: list[str] = field(default_factory=list)
    priority: list[str] = field(default_factory=list)
    system: str = ""
    assignee: str = ""
    channel: str = ""
    q: str = ""
    sort: str = ""
    view: str = "all"
    since: str = ""  # created on or after this day (Shanghai): the dashboard's "this month"
    page: int = 1

    def api_params(self) -> list[tuple[str, str]]:
        params: list[tuple[str, str]] = [("limit", str(PAGE_SIZE)),
                                         ("offset", str((self.page - 1) * PAGE_SIZE))]
        params += [("status", s) for s in self.status] + [("priority", p) for p in self.priority]
        for name in ("system", "assignee", "channel", "q"):
            if getattr(self, name):
                params.append((name, getattr(self, name)))
        if self.sort:
            params.append(("sort", self.sort))
        if self.since:
            params.append(("created_from", f"{self.since}T00:00:00+08:00"))
        params += list(VIEWS[self.view].items())
        return params

    def link(self, **changes) -> str:
        """This queue's address with some parameters changed (paging, views)."""
        values = {"status": self.status, "priority": self.priority, "system": self.system,
                  "assignee": self.assignee, "channel": self.channel, "q": self.q,
                  "sort": self.sort, "view": self.view, "since": self.since, "page": self.page, **changes}
        pairs = [(k, v) for k, vs in values.items() for v in (vs if isinstance(vs, list) else [vs])
                 if v not in ("", None) and not (k == "page" and v == 1) and not (k == "view" and v == "all")]
        return "/console/queue" + (f"?{urlencode(pairs)}" if pairs else "")


def is_day(text: str) -> bool:
    """Empty, or a calendar day as the date input sends it."""
    try:
        return not text or bool(date.fromisoformat(text))
    except ValueError:
        return False


def queue_query(status: list[str] = Query(default=[]), priority: list[str] = Query(default=[]),
                system: str = Query("", max_length=64), assignee: str = Query("", max_length=100),
                channel: str = Query("", max_length=32), q: str = Query("", max_length=200),
                sort: str = Query(""), view: str = Query("all"),
                since: str = Query("", pattern=r"^(\d{4}-\d{2}-\d{2})?$"),
                page: int = Query(1, ge=1, le=20_000)) -> QueueQuery:
    # the filter form sends its "全部" choice as an empty value
    status, priority = [s for s in status if s], [p for p in priority if p]
    known = (view in VIEWS and (not sort or sort in SORTS) and (not channel or channel in LABELS["channel"])
             and all(s in LABELS["status"] for s in status)
             and all(p in LABELS["priority"] for p in priority) and is_day(since))
    if not known:
        raise Refused(422, "筛选条件无效")
    return QueueQuery(status=status, priority=priority, system=system.strip(),
                      assignee=assignee.strip(), channel=channel, q=q.strip(), sort=sort, view=view,
                      since=since, page=page)


@router.get("/queue")
async def queue(request: Request, query: QueueQuery = Depends(queue_query),
                session: Session = Depends(current)) -> Response:
    gateway = request.app.state.gateway
    page = await gateway.call(session, "GET", "/ticketing/tickets", params=query.api_params())
    pages = max(1, math.ceil(page["total"] / PAGE_SIZE))
    context = {"session": session, "query": query, "page": page, "pages": pages,
               "tickets": page["items"]}
    if is_htmx(request) and request.headers.get("hx-target") == "queue-results":
        return render(request, "desk/_results.html", **context)
    systems = await systems_of(request.app.state, session)
    return render(request, "desk/queue.html", systems=systems, open_statuses=OPEN_STATUSES,
                  sorts=SORTS, **context)


@router.get("/queue/rows")
async def rows(request: Request, ids: str = Query(max_length=37 * 200),
               session: Session = Depends(current)) -> Response:
    """Rows of the given tickets, as the queue shows them (live updates and clock refresh
    patch them into the page in place, keeping the person's selection)."""
    wanted = [i for i in ids.split(",") if UUID_TEXT.match(i)][:200]
    slots = asyncio.Semaphore(8)

    async def one(ticket_id: str) -> dict | None:
        async with slots:
            try:
                return await request.app.state.gateway.call(session, "GET",
                                                            f"/ticketing/tickets/{ticket_id}")
            except ApiError as exc:
                if exc.status in (403, 404):  # gone or not visible any more: the page drops it
                    return None
                raise

    found = await asyncio.gather(*(one(i) for i in wanted))
    return render(request, "desk/_rows.html", session=session, tickets=[t for t in found if t])


@router.post("/queue/bulk")
async def bulk(request: Request, session: Session = Depends(changing)) -> Response:
    form = await request.form()
    ids = form.getlist("ids")
    action = form.get("action", "")
    if not ids:
        return flash(request, messages("bulk.none"), status_code=422)
    body: dict = {"ids": ids, "action": action}
    if action == "assign":
        body["assignee"] = (form.get("assignee") or "").strip() or None
    elif action == "transition":
        body["to"] = form.get("to") or None
        body["note"] = form.get("note", "")
    elif action == "comment":
        body["body"] = (form.get("body") or "").strip() or None
        body["visibility"] = "internal"
    else:
        return flash(request, "请选择批量操作", status_code=422)
    outcome = await request.app.state.gateway.call(session, "POST", "/ticketing/tickets/bulk",
                                                   json=body)
    failures = [r for r in outcome["results"] if not r["ok"]]
    message = messages("bulk.done", ok=outcome["applied"], failed=outcome["refused"])
    if failures:
        message += "：" + "；".join(f"{r.get('number') or r['id'][:8]} {r.get('detail') or ''}"
                                   for r in failures[:5])
    response = flash(request, message, kind="error" if failures else "ok")
    response.headers["HX-Trigger"] = "queue-changed"  # the page reloads its rows
    return response
