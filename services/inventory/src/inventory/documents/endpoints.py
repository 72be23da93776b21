"""A person's document scans over HTTP: upload (the scan itself as the body), list, download,
and the register of who has signed what (the client checks it; 1.5-1)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from opspact import downloads
from opspact.app import SESSION, current_principal
from opspact.auth import Principal
from opspact.permissions import require
from opspact.types import IsoDate
from pydantic import BaseModel, Field
from sqlalchemy.ext.asyncio import AsyncSession

from inventory.documents import service
from inventory.documents.models import StaffDocument

router = APIRouter(tags=["people"])
Kind = Literal["political_responsibility", "confidentiality", "security_responsibility", "background_check"]
FILE_BODY = {"requestBody": {"required": True, "content": {
    "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}}


class DocumentOut(BaseModel):
    id: int
    staff: str
    kind: str
    name: str = Field(description="what the document is called (政治责任书 …)")
    signed_on: date
    filename: str
    content_type: str
    size: int
    sha256: str
    uploaded_by: str
    uploaded_at: datetime
    href: str = Field(description="the scan on inventory (through the gateway: /api/inventory + href)")


class PersonDocumentsOut(BaseModel):
    staff: str
    name: str
    post: str | None
    documents: dict[str, DocumentOut | None] = Field(description="the current scan of each kind, or null")
    missing: list[str] = Field(description="the kinds with no scan (their names)")


def document_out(d: StaffDocument) -> DocumentOut:
    return DocumentOut(id=d.id, staff=d.staff, kind=d.kind, name=service.KINDS[d.kind][0],
                       signed_on=d.signed_on, filename=d.filename, content_type=d.content_type,
                       size=d.size, sha256=d.sha256,
                       uploaded_by=d.uploaded_by, uploaded_at=d.uploaded_at,
                       href=f"/staff/{d.staff}/documents/{d.id}")


@router.post("/staff/{code}/documents/{kind}", status_code=201, response_model=DocumentOut,
             openapi_extra=FILE_BODY, responses={
                 413: {"description": "past 10 MiB"}, 415: {"description": "not a PDF or an image"}})
async def upload_document(request: Request, kind: Kind,
                          signed_on: Annotated[IsoDate, Query(description="the date on the document")],
                          code: str = Path(max_length=64),
                          filename: str = Query(min_length=1, max_length=255),
                          principal: Principal = Depends(current_principal),
                          session: AsyncSession = SESSION) -> DocumentOut:
    """The scan of a signed document (or of the background check); its date becomes the
    person's paperwork date for that document."""
    require(principal, "staff.write")
    return document_out(await service.upload(session, principal.tenant, code, kind, signed_on,
                                             await request.body(), filename, principal.subject))


@router.get("/staff/{code}/documents", response_model=list[DocumentOut])
async def list_documents(code: str = Path(max_length=64), principal: Principal = Depends(current_principal),
                         session: AsyncSession = SESSION) -> list[DocumentOut]:
    """Every scan of the person, earliest first (a later one of a kind is the current)."""
    require(principal, "staff.read")
    return [document_out(d) for d in await service.of_person(session, principal.tenant, code)]


@router.get("/staff/{code}/documents/{document_id}", responses={200: {
    "description": "the scan as uploaded, of the type its bytes are",
    "content": {kind.content_type: {} for kind in service.SCANS}}})
async def download_document(code: str = Path(max_length=64), document_id: int = Path(ge=1, le=2**62),
                            principal: Principal = Depends(current_principal),
                            session: AsyncSession = SESSION) -> Response:
    require(principal, "staff.read")
    d = await service.one(session, principal.tenant, code, document_id)
    return Response(d.content, media_type=d.content_type, headers={
        "Content-Disposition": downloads.attachment(d.filename), "X-Content-SHA256": d.sha256,
        "X-Content-Type-Options": "nosniff", "Content-Security-Policy": "sandbox",
        "Cache-Control": "private, max-age=3600"})


@router.get("/staff-documents", response_model=list[PersonDocumentsOut])
async def document_register(principal: Principal = Depends(current_principal),
                            session: AsyncSession = SESSION) -> list[PersonDocumentsOut]:
    """Who on the engagement has signed what: each active person, the current scan of each
    document, and what is missing."""
    require(principal, "staff.read")
    out = []
    for person, current in await service.register(session, principal.tenant):
        out.append(PersonDocumentsOut(
            staff=person.code, name=person.name, post=person.post,
            documents={k: document_out(current[k]) if k in current else None for k in service.KINDS},
            missing=[name for k, (name, _) in service.KINDS.items() if k not in current]))
    return out
