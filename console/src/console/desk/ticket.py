"""One ticket: header, clocks, timeline, comments, attachments, and the transitions the
workflow allows from its status (the API lists them), each a button with the note it needs.

Every transition sends the status the person saw (`expected_status`): when someone else
moved the ticket meanwhile, the API refuses (409) and the page says so and shows the ticket
as it is now, instead of applying a step the person did not mean."""

from __future__ import annotations

import asyncio
from uuid import UUID

from fastapi import APIRouter, Depends, Form, Request, UploadFile
from starlette.responses import Response

from console.api import ApiError
from console.sessions import Session
from console.web import Refused, changing, current, flash, is_htmx, messages, passed_file, render

router = APIRouter(prefix="/console/tickets")
MAX_UPLOAD_BYTES = 25 * 1024 * 1024  # the API's own limit (BodyGuard on the attachment route)


async def ticket_view(request: Request, session: Session, ticket_id: UUID) -> dict:
    gateway = request.app.state.gateway
    path = f"/ticketing/tickets/{ticket_id}"
    calls = [gateway.call(session, "GET", path),
             gateway.call(session, "GET", f"{path}/comments", params={"limit": 200}),
             gateway.call(session, "GET", f"{path}/attachments")]
    if session.may("notifications.read"):  # what was sent about it, escalations to acknowledge
        calls.append(gateway.call(session, "GET", "/notify/notifications",
                                  params={"subject": str(ticket_id), "limit": 50}))
    ticket, comments, attachments, *notifications = await asyncio.gather(*calls)
    return {"session": session, "ticket": ticket, "comments": comments["items"],
            "attachments": attachments["items"],
            "notifications": notifications[0]["items"] if notifications else None}


@router.get("/{ticket_id}")
async def ticket_page(request: Request, ticket_id: UUID, created: bool = False,
                      session: Session = Depends(current)) -> Response:
    view = await ticket_view(request, session, ticket_id)
    if created:  # arrived here from the intake form
        view.update(notice=messages("new.created", number=view["ticket"]["number"]), notice_kind="ok")
    if is_htmx(request) and request.headers.get("hx-target") == "ticket-main":
        return render(request, "desk/_ticket_main.html", **view)
    return render(request, "desk/ticket.html", **view)


async def main_after(request: Request, session: Session, ticket_id: UUID, notice: str = "",
                     notice_kind: str = "ok") -> Response:
    """The ticket's main part as it is now, with what just happened said at its top."""
    view = await ticket_view(request, session, ticket_id)
    return render(request, "desk/_ticket_main.html", notice=notice, notice_kind=notice_kind, **view)


@router.post("/{ticket_id}/transition")
async def transition(request: Request, ticket_id: UUID, to: str = Form(max_length=32),
                     expected_status: str = Form(max_length=32), note: str = Form("", max_length=2000),
                     assignee: str = Form("", max_length=100),
                     session: Session = Depends(changing)) -> Response:
    body = {"to": to, "expected_status": expected_status, "note": note.strip()}
    if to == "dispatched" and assignee.strip():  # the form offers it for dispatching only
        body["assignee"] = assignee.strip()
    try:
        moved = await request.app.state.gateway.call(
            session, "POST", f"/ticketing/tickets/{ticket_id}/transitions", json=body)
    except ApiError as exc:
        if exc.status == 409:  # someone else moved it: show it as it is now
            now = await request.app.state.gateway.call(session, "GET", f"/ticketing/tickets/{ticket_id}")
            return await main_after(request, session, ticket_id, messages(
                "ticket.conflict", status=messages.label("status", now["status"])), "warning")
        if exc.status == 422:
            return flash(request, str(exc), status_code=422)
        raise
    return await main_after(request, session, ticket_id, messages(
        "ticket.moved", status=messages.label("status", moved["status"])))


@router.post("/{ticket_id}/comments")
async def comment(request: Request, ticket_id: UUID, body: str = Form(max_length=20000),
                  visibility: str = Form("internal"),
                  session: Session = Depends(changing)) -> Response:
    if visibility not in ("internal", "public"):
        raise Refused(422, "可见范围无效")
    if not body.strip():
        return flash(request, "备注内容不能为空", status_code=422)
    await request.app.state.gateway.call(session, "POST", f"/ticketing/tickets/{ticket_id}/comments",
                                         json={"body": body.strip(), "visibility": visibility})
    return await main_after(request, session, ticket_id)


@router.post("/{ticket_id}/attachments")
async def attach(request: Request, ticket_id: UUID, file: UploadFile,
                 visibility: str = Form("internal"),
                 session: Session = Depends(changing)) -> Response:
    """A file dropped or picked, or a screenshot pasted (the page's script posts it)."""
    if visibility not in ("internal", "public"):
        raise Refused(422, "可见范围无效")
    content = await file.read(MAX_UPLOAD_BYTES + 1)
    if len(content) > MAX_UPLOAD_BYTES:
        return flash(request, "附件不能超过 25 MB", status_code=413)
    if not content:
        return flash(request, "附件为空", status_code=422)
    name = (file.filename or "粘贴的截图.png").strip()[:200]
    await request.app.state.gateway.call(
        session, "POST", f"/ticketing/tickets/{ticket_id}/attachments",
        params={"filename": name, "visibility": visibility}, content=content,
        headers={"Content-Type": "application/octet-stream"})
    return await main_after(request, session, ticket_id, messages("attachment.uploaded", name=name))


@router.post("/{ticket_id}/notifications/{notification_id}/acknowledge")
async def acknowledge(request: Request, ticket_id: UUID, notification_id: UUID,
                      session: Session = Depends(changing)) -> Response:
    """Someone has it in hand: the escalation of this alert stops."""
    done = await request.app.state.gateway.call(
        session, "POST", f"/notify/notifications/{notification_id}/acknowledge", json={})
    return await main_after(request, session, ticket_id, messages(
        "notification.stopped", count=done["escalations_stopped"]))


@router.get("/{ticket_id}/attachments/{attachment_id}")
async def download(request: Request, ticket_id: UUID, attachment_id: int,
                   session: Session = Depends(current)) -> Response:
    return await passed_file(request, session, f"/ticketing/tickets/{ticket_id}/attachments/{attachment_id}")
