"""The deliverables register over HTTP. The vendor uploads a version (the file itself as
the body, its name in `filename`); the client's officer accepts or rejects the latest
version, naming the SHA-256 of the bytes read; everyone holding the contract reads the
register."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from opspact import downloads
from opspact.app import SESSION, current_principal
from opspact.auth import Principal
from opspact.errors import NotFound
from opspact.permissions import require
from sqlalchemy.ext.asyncio import AsyncSession

from ticketing.attachments.endpoints import FILE_BODY, KINDS
from ticketing.attachments.store import of_app
from ticketing.config import get_settings
from ticketing.deliverables import service
from ticketing.deliverables.models import DeliverableVersion
from ticketing.deliverables.reports import rows as report_rows
from ticketing.deliverables.schemas import (
    DeliverableDetail,
    DeliverableOut,
    DeliverablePage,
    DeliverableVersionOut,
    State,
)
from ticketing.deliverables.service import Held
from ticketing.signoff import service as signoffs
from ticketing.signoff.schemas import SignOffIn, SignOffOut
from ticketing.tenant_settings import TicketingTenantSettings

router = APIRouter(prefix="/deliverables", tags=["deliverables"])
Code = Path(pattern=r"^[a-z0-9][a-z0-9-]{0,47}$", description="the deliverable's code in the tenant file")
Period = Path(pattern=r"^(once|\d{4}(-\d{2})?)$",
              description="once, a month (2025-03) or a service year (2025)")
Version = Path(ge=1, le=10_000)


def version_out(h: Held, v: DeliverableVersion) -> DeliverableVersionOut:
    return DeliverableVersionOut(version=v.version, filename=v.filename, content_type=v.content_type,
                      kind=KINDS.get(v.content_type, v.content_type), size=v.size, sha256=v.sha256,
                      note=v.note, submitted_by=v.submitted_by, submitted_at=v.submitted_at,
                      href=f"/deliverables/{h.entry.item.code}/{h.entry.period}/versions/{v.version}",
                      signoff=signoffs.out(h.signed.get(v.id)))


def deliverable_out(h: Held, today, detail: bool = False) -> DeliverableOut:
    item = h.entry.item
    fields = dict(code=item.code, name=item.name, period=h.entry.period, label=h.entry.label,
                  every=item.every, due_on=h.entry.due_on, undated=h.entry.undated,
                  state=h.state(today), late=h.late(today),
                  records=item.records, clause=item.clause, reading=item.reading, versions=len(h.versions),
                  latest=version_out(h, h.latest) if h.latest else None,
                  accepted=version_out(h, h.accepted) if h.accepted else None)
    if detail:
        return DeliverableDetail(**fields, history=[version_out(h, v) for v in h.versions])
    return DeliverableOut(**fields)


@router.get("", response_model=DeliverablePage)
async def list_deliverables(state: State | None = None,
                            code: str | None = Query(default=None, max_length=48),
                            reports: bool = Query(True, description=(
                                "include the periodic reports: each archived one, and each the "
                                "contract dates (code report-<kind>; signed through /report-archive)")),
                            limit: int = Query(100, ge=1, le=500), offset: int = Query(0, ge=0, le=100_000),
                            principal: Principal = Depends(current_principal),
                            session: AsyncSession = SESSION) -> DeliverablePage:
    """The register: every deliverable of the term by due date (undated last), its state
    and its latest and accepted versions — the periodic reports among them."""
    require(principal, "deliverables.read")
    c = await service.contract(session, principal.tenant)
    today = service.today()
    held = await service.held(session, principal.tenant, c.entries())
    everything = [deliverable_out(h, today) for h in held]
    if reports:
        wanted = TicketingTenantSettings.model_validate(c.config["settings"]).reports
        everything += await report_rows(session, principal.tenant, c.config, wanted, today)
    counts: dict[str, int] = {}
    for d in everything:
        counts[d.state] = counts.get(d.state, 0) + 1
    chosen = [d for d in everything
              if (state is None or d.state == state) and (code is None or d.code == code)]
    chosen.sort(key=lambda d: (d.due_on is None, d.due_on or today, d.code, d.period))
    return DeliverablePage(items=chosen[offset:offset + limit], total=len(chosen), limit=limit, offset=offset,
                           counts=counts)


@router.get("/{code}/{period}", response_model=DeliverableDetail)
async def get_deliverable(code: str = Code, period: str = Period,
                          principal: Principal = Depends(current_principal),
                          session: AsyncSession = SESSION) -> DeliverableOut:
    require(principal, "deliverables.read")
    _, h = await service.one(session, principal.tenant, code, period)
    return deliverable_out(h, service.today(), detail=True)


@router.post("/{code}/{period}/versions", status_code=201, response_model=DeliverableDetail,
             openapi_extra=FILE_BODY, responses={
                 413: {"description": "the file past the tenant's limit"},
                 415: {"description": "not a document or image, or named as another kind than its bytes"}})
async def submit_version(request: Request, code: str = Code, period: str = Period,
                         filename: str = Query(min_length=1, max_length=255, description="the file's name"),
                         note: str | None = Query(default=None, min_length=1, max_length=500,
                                                  description="what this version changes"),
                         principal: Principal = Depends(current_principal),
                         session: AsyncSession = SESSION) -> DeliverableOut:
    """提交: a new version of the deliverable; the client's officer is told
    (`ticketing.deliverable.submitted.v1`). A version after an acceptance needs its own."""
    require(principal, "deliverables.submit")
    store, _ = of_app(request.app, get_settings())
    h, _ = await service.submit(session, store, principal, code, period, await request.body(), filename, note)
    return deliverable_out(h, service.today(), detail=True)


@router.get("/{code}/{period}/versions/{version}", responses={200: {
    "description": "the version's file as uploaded, of the type its bytes are",
    "content": {kind.content_type: {} for kind in service.ACCEPTED}}})
async def download_version(request: Request, code: str = Code, period: str = Period, version: int = Version,
                           principal: Principal = Depends(current_principal),
                           session: AsyncSession = SESSION) -> Response:
    require(principal, "deliverables.read")
    _, h = await service.one(session, principal.tenant, code, period)
    v = service.version_of(h, version)
    store = of_app(request.app, get_settings())[1][v.store]
    data = await store.get(session, principal.tenant, v.sha256)
    if data is None:
        raise NotFound(f"the bytes of {h.entry.label} version {version} are missing from the "
                       f"{store.name} store")
    return Response(data, media_type=v.content_type, headers={
        "Content-Disposition": downloads.attachment(v.filename), "X-Content-SHA256": v.sha256,
        "X-Content-Type-Options": "nosniff", "Content-Security-Policy": "sandbox",
        "ETag": f'"{v.sha256}"', "Cache-Control": "private, max-age=3600"})


@router.post("/{code}/{period}/versions/{version}/signoff", status_code=201, response_model=SignOffOut,
             responses={200: {"model": SignOffOut, "description": "the same decision, already recorded"},
                        403: {"description": "not the client's officer, or the tenant wants a 数字证书"},
                        409: {"description": "another SHA-256, a later version, or decided otherwise"}})
async def sign_version(body: SignOffIn, response: Response, code: str = Code, period: str = Period,
                       version: int = Version, principal: Principal = Depends(current_principal),
                       session: AsyncSession = SESSION) -> SignOffOut:
    """签收 / 验收: the client's officer accepts the version or rejects it with the reason.
    An item that records a contract date (验收合格) gives billing that date."""
    require(principal, "deliverables.signoff")
    _, row, made = await service.sign(session, principal, code, period, version, body)
    if not made:
        response.status_code = 200
    return signoffs.out(row)
