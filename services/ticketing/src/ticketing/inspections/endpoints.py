"""Inspections over HTTP: the ledger, one round, recording it, evidence, incidents."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import unquote

from fastapi import APIRouter, Depends, Header, Path, Query, Request, Response
from opspact.app import SESSION, current_principal
from opspact.auth import Principal
from opspact.calendar import SHANGHAI
from opspact.errors import Unprocessable
from opspact.permissions import require
from opspact.tabular import XLSX
from opspact.types import IsoInstant
from sqlalchemy.ext.asyncio import AsyncSession
from ticketing.config import get_settings
from ticketing.inspections import incidents, ledger, plan, service
from ticketing.inspections.schemas import (
    EvidenceOut,
    IncidentFromItem,
    RoundOut,
    RoundPage,
    RoundRecord,
    RoundState,
)
from ticketing.tickets.endpoints import present
from ticketing.tickets.schemas import TicketOut

router = APIRouter(prefix="/inspections", tags=["inspections"])
RoundKey = Path(pattern=plan.KEY_PATTERN, max_length=60,
                description="<schedule>@<due time, Shanghai local>, e.g. daily@2024-10-01T08:00")
ItemKey = Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}\.[a-z0-9][a-z0-9-]{0,31}$", max_length=100,
               description="<system or asset code>.<check>, e.g. smart-station.service")


def _period(start: datetime | None, end: datetime | None) -> tuple[datetime, datetime]:
    """Default: the last 7 days up to tomorrow (Shanghai), so today's rounds show."""
    today = datetime.now(SHANGHAI).replace(hour=0, minute=0, second=0, microsecond=0)
    end = end or today + timedelta(days=1)
    try:
        start = start or end - timedelta(days=8)
    except OverflowError:
        raise Unprocessable("`to` is too early to count back from; give `from` too") from None
    if end <= start:
        raise Unprocessable("`to` must be after `from`")
    return start, end


@router.get("/rounds", response_model=RoundPage)
async def list_rounds(
    start: IsoInstant | None = Query(default=None, alias="from"),
    end: IsoInstant | None = Query(default=None, alias="to"),
    schedule: str | None = Query(default=None, max_length=32),
    state: RoundState | None = None,
    limit: int = Query(100, ge=1, le=500), offset: int = Query(0, ge=0, le=1_000_000),
    principal: Principal = Depends(current_principal),
    session: AsyncSession = SESSION,
) -> RoundPage:
    """The inspection ledger (巡检记录台账): every round planned in the period, with
    what was recorded, what was missed and what was made up; newest first."""
    require(principal, "inspections.read")
    start, end = _period(start, end)
    rounds = await ledger.rounds(session, principal.tenant, start, end, schedule)
    counts = {s.value: sum(r.state is s for r in rounds) for s in RoundState}
    chosen = [r for r in rounds if state is None or r.state is state]
    return RoundPage(items=chosen[offset:offset + limit], total=len(chosen), limit=limit,
                     offset=offset, counts=counts)


@router.get("/export", responses={200: {"content": {XLSX: {}}, "description": "the ledger as XLSX"}})
async def export_rounds(
    start: IsoInstant | None = Query(default=None, alias="from"),
    end: IsoInstant | None = Query(default=None, alias="to"),
    schedule: str | None = Query(default=None, max_length=32),
    principal: Principal = Depends(current_principal),
    session: AsyncSession = SESSION,
) -> Response:
    """The ledger as a spreadsheet, one row per checklist item of every round."""
    require(principal, "inspections.read")
    start, end = _period(start, end)
    content = await ledger.workbook(session, principal.tenant, start, end, schedule)
    # named by the days it covers: `to` is exclusive, so the last day is the one before it
    first, last = start.astimezone(SHANGHAI), (end - timedelta(microseconds=1)).astimezone(SHANGHAI)
    name = f"inspections-{principal.tenant}-{first:%Y%m%d}-{last:%Y%m%d}.xlsx"
    return Response(content, media_type=XLSX,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/rounds/{round_key}", response_model=RoundOut)
async def get_round(round_key: str = RoundKey, principal: Principal = Depends(current_principal),
                    session: AsyncSession = SESSION) -> RoundOut:
    """One round with its checklist: results when recorded, the items to check when not."""
    require(principal, "inspections.read")
    return await ledger.one(session, principal.tenant, round_key)


@router.put("/rounds/{round_key}", response_model=RoundOut,
            responses={200: {"model": RoundOut, "description": "the same record sent again"},
                       201: {"model": RoundOut, "description": "recorded"}})
async def record_round(body: RoundRecord, response: Response, round_key: str = RoundKey,
                       principal: Principal = Depends(current_principal),
                       session: AsyncSession = SESSION) -> RoundOut:
    """Record a round: who, when, and a result for every item of its checklist (an
    anomaly with a note). Recorded late, it shows as made up."""
    require(principal, "inspections.record")
    _, ctx, fresh = await service.record(session, principal.tenant, round_key, body, principal.subject)
    response.status_code = 201 if fresh else 200
    return await ledger.one(session, principal.tenant, round_key, ctx)


@router.post("/rounds/{round_key}/items/{item}/evidence", status_code=201, response_model=EvidenceOut,
             openapi_extra={"requestBody": {"required": True, "content": {
                 t: {"schema": {"type": "string", "format": "binary"}}
                 for t in service.EVIDENCE_TYPES}}})
async def attach_evidence(request: Request, round_key: str = RoundKey, item: str = ItemKey,
                          filename: str | None = Header(
                              default=None, alias="X-Filename", max_length=600,
                              description="the file's name, percent-encoded UTF-8 for Chinese "
                                          "(a header carries ASCII only), e.g. %E5%B7%A1%E6%A3%80.png"),
                          principal: Principal = Depends(current_principal),
                          session: AsyncSession = SESSION) -> EvidenceOut:
    """A photo, screenshot or PDF for one item of a recorded round, posted as the file
    itself; kept with its SHA-256."""
    require(principal, "inspections.record")
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    row = await service.attach(session, principal.tenant, round_key, item, await request.body(),
                               content_type, _filename(filename), principal.subject,
                               get_settings().evidence_max_bytes)
    return EvidenceOut.model_validate(row, from_attributes=True)


def _filename(header: str | None) -> str | None:
    if header is None:
        return None
    try:
        name = unquote(header, errors="strict").strip()
    except UnicodeDecodeError:
        name = ""
    if not name or len(name) > 200 or any(c in name for c in '/\\\x00') or not name.isprintable():
        raise Unprocessable("X-Filename must be a plain file name (percent-encoded UTF-8), "
                            "at most 200 characters",
                            errors=[{"field": "header.X-Filename", "message": "not a file name"}])
    return name


@router.get("/evidence/{evidence_id}", responses={200: {"content": {
    t: {} for t in service.EVIDENCE_TYPES}, "description": "the file"}})
async def get_evidence(evidence_id: int = Path(ge=1, le=2**62),
                       principal: Principal = Depends(current_principal),
                       session: AsyncSession = SESSION) -> Response:
    require(principal, "inspections.read")
    row = await ledger.evidence(session, principal.tenant, evidence_id)
    return Response(row.content, media_type=row.content_type,
                    headers={"ETag": f'"{row.sha256}"', "X-Content-SHA256": row.sha256,
                             "Cache-Control": "private, max-age=3600"})


@router.post("/rounds/{round_key}/items/{item}/incident", status_code=201, response_model=TicketOut,
             responses={200: {"model": TicketOut, "description": "the incident already opened"}})
async def open_incident(body: IncidentFromItem, response: Response, round_key: str = RoundKey,
                        item: str = ItemKey, principal: Principal = Depends(current_principal),
                        session: AsyncSession = SESSION) -> TicketOut:
    """Open an incident for an anomaly found on a round, linked both ways; asking again
    answers with the incident already opened."""
    require(principal, "inspections.record")
    require(principal, "tickets.write")
    ticket, fresh = await incidents.open_for(session, principal.tenant, round_key, item, body,
                                             principal.subject)
    response.status_code = 201 if fresh else 200
    return (await present(session, principal.tenant, [ticket]))[0]
