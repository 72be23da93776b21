"""Follow-ups over HTTP: the reporter's answer through the SMS link (the gateway's public door
`/f/{tenant}/{token}` forwards here; an HTML page for a browser, JSON otherwise), the
engineer's record of a phone follow-up, and the list the desk works from."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal
from urllib.parse import parse_qs
from uuid import UUID

from fastapi import APIRouter, Depends, Path, Query, Request
from opspact.app import SESSION, current_principal
from opspact.auth import Principal
from opspact.errors import Problem, Unprocessable, UnsupportedMediaType
from opspact.permissions import require
from pydantic import BaseModel, Field, ValidationError
from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from ticketing.followups import page, service
from ticketing.followups.models import FollowUp
from ticketing.tickets.models import Ticket
from ticketing.tickets.service import get as get_ticket
from ticketing.tickets.service import settings_of

router = APIRouter(tags=["follow-ups"])
Token = Path(min_length=16, max_length=64, pattern=r"^[A-Za-z0-9_-]+$", description="the link's token")


class AnswerIn(BaseModel):
    score: int = Field(ge=1, le=5, description="5 非常满意 … 1 非常不满意")
    comment: str | None = Field(default=None, min_length=1, max_length=1000)


class FollowUpOut(BaseModel):
    id: int
    ticket_id: str
    number: str
    title: str
    resolved_at: datetime
    due_at: datetime
    channel: str = Field(description="sms: the link was sent; phone: the engineer calls")
    reporter: str | None
    mobile: str | None = Field(description="the reporter's mobile, masked for roles outside the desk")
    state: Literal["open", "overdue", "answered", "expired"]
    answered_at: datetime | None
    answered_via: str | None
    score: int | None
    comment: str | None
    recorded_by: str | None
    complaint_ticket_id: str | None


class FollowUpPage(BaseModel):
    items: list[FollowUpOut]
    total: int
    limit: int
    offset: int


def _wants_html(request: Request) -> bool:
    return "text/html" in request.headers.get("accept", "")


def _answer_json(found: service.Found) -> dict:
    row = found.follow_up
    return {"number": found.ticket.number, "title": found.ticket.title, "resolved_at": row.resolved_at,
            "answered": row.answered_at is not None, "score": row.score, "comment": row.comment,
            "expires_at": row.link_expires_at}


@router.get("/follow-ups/answer/{token}", responses={
    200: {"content": {"text/html": {}}, "description": "the form (HTML for a browser)"},
    404: {"description": "no such link"}, 410: {"description": "the link expired"}})
async def follow_up_form(request: Request, token: str = Token,
                         principal: Principal = Depends(current_principal),
                         session: AsyncSession = SESSION):
    """The follow-up a link names, with its answer once given."""
    require(principal, "followups.answer")
    try:
        found = await service.by_token(session, principal.tenant, token)
    except Problem as exc:
        if _wants_html(request):
            return page.refused(exc.status, exc.detail)
        raise
    if not _wants_html(request):
        return _answer_json(found)
    if found.follow_up.answered_at is not None:
        return page.thanks(found.ticket, found.follow_up, fresh=False)
    return page.form(found.ticket, found.follow_up, _action(principal.tenant, token))


def _action(tenant: str, token: str) -> str:
    # the page is served at the gateway's /f/{tenant}/{token}: the form posts back there
    return f"{service.LINK_PATH}/{tenant}/{token}"


async def _read_answer(request: Request) -> AnswerIn:
    body = await request.body()
    kind = request.headers.get("content-type", "").split(";")[0].strip()
    try:
        if kind == "application/x-www-form-urlencoded":
            fields = {k: v[0] for k, v in parse_qs(body.decode("utf-8", "strict")).items()}
            comment = (fields.get("comment") or "").strip() or None
            return AnswerIn(score=fields.get("score") or 0, comment=comment)
        if kind == "application/json":
            return AnswerIn.model_validate_json(body)
    except (ValidationError, UnicodeDecodeError) as exc:
        raise Unprocessable("choose a score from 1 to 5; a comment has at most 1,000 characters",
                            errors=[{"field": "body.score", "message": str(exc)[:300]}]) from None
    raise UnsupportedMediaType("send the answer as a form (application/x-www-form-urlencoded) or JSON")


@router.post("/follow-ups/answer/{token}", openapi_extra={"requestBody": {"required": True, "content": {
    "application/json": {"schema": AnswerIn.model_json_schema()},
    "application/x-www-form-urlencoded": {"schema": AnswerIn.model_json_schema()}}}}, responses={
    200: {"content": {"text/html": {}}, "description": "recorded (or the first answer, unchanged)"},
    404: {"description": "no such link"}, 410: {"description": "the link expired"},
    422: {"description": "no score from 1 to 5"}})
async def answer_follow_up(request: Request, token: str = Token,
                           principal: Principal = Depends(current_principal),
                           session: AsyncSession = SESSION):
    """The reporter's answer: a score from 1 to 5 and a comment. The first answer counts;
    sending again changes nothing. A low score opens a complaint ticket."""
    require(principal, "followups.answer")
    html = _wants_html(request)
    try:
        found = await service.by_token(session, principal.tenant, token)
    except Problem as exc:
        if html:
            return page.refused(exc.status, exc.detail)
        raise
    if found.follow_up.answered_at is not None:  # the first answer counts
        row, fresh = found.follow_up, False
    else:
        try:
            answer = await _read_answer(request)
        except Unprocessable:
            if html:
                return page.form(found.ticket, found.follow_up, _action(principal.tenant, token),
                                 error="请选择 1 到 5 分的评分后再提交。")
            raise
        row, fresh = await service.answer(session, await settings_of(session, principal.tenant), found,
                                          answer.score, answer.comment, "link", None)
    if html:
        return page.thanks(found.ticket, row, fresh)
    return {**_answer_json(found), "recorded": fresh}


@router.post("/tickets/{ticket_id}/follow-up", response_model=FollowUpOut, responses={
    404: {"description": "no follow-up for the ticket"},
    409: {"description": "already answered: the first answer counts"}})
async def record_phone_follow_up(ticket_id: UUID, body: AnswerIn,
                                 principal: Principal = Depends(current_principal),
                                 session: AsyncSession = SESSION) -> FollowUpOut:
    """电话回访: the engineer records what the reporter said on the phone."""
    require(principal, "followups.record")
    ticket = await get_ticket(session, principal.tenant, ticket_id)
    row = await service.for_ticket(session, principal.tenant, ticket.id)
    service.ensure_open_for_phone(row)
    row, _ = await service.answer(session, await settings_of(session, principal.tenant),
                                  service.Found(row, ticket), body.score, body.comment, "phone",
                                  principal.subject)
    return follow_up_out(row, ticket, principal, datetime.now(UTC))


def _mask(mobile: str | None, principal: Principal) -> str | None:
    if mobile is None or principal.has_any("vendor_engineer", "vendor_manager"):
        return mobile
    return mobile[:3] + "****" + mobile[-4:]


def state_of(row: FollowUp, now: datetime) -> str:
    if row.answered_at is not None:
        return "answered"
    if row.link_expires_at is not None and now >= row.link_expires_at:
        return "expired"
    return "overdue" if now >= row.due_at else "open"


def follow_up_out(row: FollowUp, ticket: Ticket, principal: Principal, now: datetime) -> FollowUpOut:
    return FollowUpOut(id=row.id, ticket_id=str(ticket.id), number=ticket.number, title=ticket.title,
                       resolved_at=row.resolved_at, due_at=row.due_at, channel=row.channel,
                       reporter=ticket.reporter, mobile=_mask(ticket.reporter_mobile, principal),
                       state=state_of(row, now), answered_at=row.answered_at, answered_via=row.answered_via,
                       score=row.score, comment=row.comment, recorded_by=row.recorded_by,
                       complaint_ticket_id=str(row.complaint_ticket_id) if row.complaint_ticket_id else None)


@router.get("/follow-ups", response_model=FollowUpPage)
async def list_follow_ups(state: Literal["open", "overdue", "answered", "expired", "unanswered"] | None
                          = None,
                          limit: int = Query(50, ge=1, le=500), offset: int = Query(0, ge=0, le=1_000_000),
                          principal: Principal = Depends(current_principal),
                          session: AsyncSession = SESSION) -> FollowUpPage:
    """Follow-ups, the soonest due first; `unanswered` = open, overdue and expired."""
    require(principal, "followups.read")
    now = datetime.now(UTC)
    unanswered = FollowUp.answered_at.is_(None)
    expired = and_(unanswered, FollowUp.link_expires_at.is_not(None), FollowUp.link_expires_at <= now)
    live = and_(unanswered, or_(FollowUp.link_expires_at.is_(None), FollowUp.link_expires_at > now))
    where = {None: [], "answered": [FollowUp.answered_at.is_not(None)], "unanswered": [unanswered],
             "expired": [expired], "overdue": [live, FollowUp.due_at <= now],
             "open": [live, FollowUp.due_at > now]}[state]
    base = select(FollowUp, Ticket).join(Ticket, Ticket.id == FollowUp.ticket_id).where(
        FollowUp.tenant_id == principal.tenant, *where)
    total = (await session.execute(select(func.count()).select_from(base.subquery()))).scalar_one()
    rows = await session.execute(base.order_by(FollowUp.due_at, FollowUp.id).limit(limit).offset(offset))
    return FollowUpPage(items=[follow_up_out(f, t, principal, now) for f, t in rows], total=total,
                        limit=limit, offset=offset)

