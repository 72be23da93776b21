"""The report archive over HTTP: publish an ended period, list what was published,
download a published file byte for byte."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from opspact.app import SESSION, current_principal
from opspact.auth import Principal
from opspact.errors import Forbidden
from opspact.permissions import require
from pydantic import BaseModel, Field
from sqlalchemy.ext.asyncio import AsyncSession

from ticketing.archive import service
from ticketing.archive.models import ArchivedReport, FileInfo
from ticketing.reports import summaries
from ticketing.reports.endpoints import DOCX, PDF, ReportKind
from ticketing.signoff import service as signoffs
from ticketing.signoff.models import SignOff
from ticketing.signoff.schemas import ReportSignOffIn, SignOffOut

router = APIRouter(prefix="/report-archive", tags=["reports"])
MEDIA_TYPES = {"docx": DOCX, "pdf": PDF}
ArchiveId = Path(ge=1, le=2**62)


class FileFormat(str, Enum):
    docx = "docx"
    pdf = "pdf"


class PublishIn(BaseModel):
    kind: ReportKind
    period: str = Field(min_length=4, max_length=10, description="2025-W10 | 2025-03 | 2025-Q1 | 2025")
    again: bool = Field(default=False, description="publish a new version of a period already published")
    reason: str | None = Field(default=None, min_length=2, max_length=500,
                               description="why a new version (required with again)")


class FileOut(BaseModel):
    format: str
    sha256: str
    size: int
    href: str = Field(description="the file on ticketing (through the gateway: /api/ticketing + href)")


class ArchiveOut(BaseModel):
    id: int
    kind: str
    period: str
    version: int
    label: str
    title: str
    first: date
    last: date
    reason: str | None
    published_by: str
    published_at: datetime
    files: list[FileOut]
    signoff: SignOffOut | None = Field(description="the client's acceptance or rejection of this version")


class ArchivePage(BaseModel):
    items: list[ArchiveOut]
    total: int
    limit: int
    offset: int


def to_out(row: ArchivedReport, files: list[FileInfo], signed: SignOff | None = None) -> ArchiveOut:
    return ArchiveOut(id=row.id, kind=row.kind, period=row.period, version=row.version, label=row.label,
                      title=row.title, first=row.first_day, last=row.last_day, reason=row.reason,
                      published_by=row.published_by, published_at=row.published_at,
                      files=[FileOut(format=f.format, sha256=f.sha256, size=f.size,
                                     href=f"/report-archive/{row.id}/{f.format}") for f in files],
                      signoff=signoffs.out(signed))


@router.post("", status_code=201, response_model=ArchiveOut, responses={
    200: {"model": ArchiveOut, "description": "the period was already published: that version"},
    400: {"description": "the request did not come through the gateway, which delegates the reads"},
    409: {"description": "the period has not ended"},
    503: {"description": "inventory or billing did not give their part"}})
async def publish(body: PublishIn, request: Request, response: Response,
                  principal: Principal = Depends(current_principal),
                  session: AsyncSession = SESSION) -> ArchiveOut:
    """归档: the report of an ended period as DOCX and PDF with their SHA-256, announced
    through notify (`ticketing.report.published.v1`). Asking again returns the version there
    (200); `again` with a reason makes a new one."""
    require(principal, "reports.publish")
    row, files, created = await service.publish(session, request, principal.tenant, body.kind.value,
                                                body.period, principal.subject, body.again, body.reason)
    if not created:
        response.status_code = 200
    return to_out(row, files)


@router.get("", response_model=ArchivePage)
async def list_archive(kind: ReportKind | None = None,
                       period: str | None = Query(default=None, max_length=10),
                       limit: int = Query(50, ge=1, le=500), offset: int = Query(0, ge=0, le=1_000_000),
                       principal: Principal = Depends(current_principal),
                       session: AsyncSession = SESSION) -> ArchivePage:
    """What was published, latest period first (every version)."""
    require(principal, "reports.read")
    rows, total = await service.page(session, principal.tenant, kind and kind.value, period, limit, offset)
    ids = [r.id for r in rows]
    files = await service.files_of(session, principal.tenant, ids)
    signed = await signoffs.of(session, principal.tenant, "report", ids)
    return ArchivePage(items=[to_out(r, files[r.id], signed.get(r.id)) for r in rows], total=total,
                       limit=limit, offset=offset)


@router.get("/{archive_id}", response_model=ArchiveOut)
async def get_archived(archive_id: int = ArchiveId, principal: Principal = Depends(current_principal),
                       session: AsyncSession = SESSION) -> ArchiveOut:
    require(principal, "reports.read")
    row = await service.get(session, principal.tenant, archive_id)
    signed = await signoffs.of(session, principal.tenant, "report", [row.id])
    files = await service.files_of(session, principal.tenant, [row.id])
    return to_out(row, files[row.id], signed.get(row.id))


@router.post("/{archive_id}/signoff", status_code=201, response_model=SignOffOut, responses={
    200: {"model": SignOffOut, "description": "the same decision, already recorded"},
    403: {"description": "not the client's officer, or the tenant wants a 数字证书"},
    409: {"description": "another SHA-256, a later version of the period, or decided otherwise"}})
async def sign_archived(body: ReportSignOffIn, response: Response, archive_id: int = ArchiveId,
                        principal: Principal = Depends(current_principal),
                        session: AsyncSession = SESSION) -> SignOffOut:
    """签收: the client's officer accepts the archived report (the file named by `format`,
    its SHA-256 as read) or rejects it with the reason; the vendor answers a rejection by
    publishing the period again, and signs that version anew."""
    require(principal, "deliverables.signoff")
    signed, made = await service.sign(session, principal, archive_id, body)
    if not made:
        response.status_code = 200
    return signoffs.out(signed)


@router.get("/{archive_id}/{format}", responses={200: {"content": {DOCX: {}, PDF: {}},
                                                        "description": "the file as published"}})
async def download(archive_id: int = ArchiveId, format: FileFormat = Path(),  # noqa: A002
                   principal: Principal = Depends(current_principal),
                   session: AsyncSession = SESSION) -> Response:
    require(principal, "reports.read")
    row = await service.get(session, principal.tenant, archive_id)
    # The archived copy is whole (people and money); the live report withholds from a reader
    # what the reader may not read. The file must not show more: it goes only to readers who
    # may read every part (the route lists the peers, so the gateway's certificate rule for
    # them applies here too).
    missing = summaries.unreadable_parts(row.kind, principal)
    if missing:
        raise Forbidden(f"the archived {row.kind} report holds parts your roles may not read: "
                        f"{'; '.join(missing)}. GET /reports/{row.kind}?period={row.period} shows "
                        "the report with those parts withheld")
    stored = await service.file(session, principal.tenant, archive_id, format.value)
    name = f"{row.kind}-{principal.tenant}-{row.period}-v{row.version}.{format.value}"
    return Response(stored.content, media_type=MEDIA_TYPES[format.value],
                    headers={"ETag": f'"{stored.sha256}"', "X-Content-SHA256": stored.sha256,
                             "Content-Disposition": f'attachment; filename="{name}"',
                             "Cache-Control": "private, max-age=86400"})
