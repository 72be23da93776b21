"""Uploading a scan and reading the register of who has signed what."""

from __future__ import annotations

import hashlib
from datetime import date

from opspact import sniff
from opspact.downloads import uploaded_name
from opspact.errors import NotFound, PayloadTooLarge, Unprocessable, UnsupportedMediaType
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import undefer

from inventory.documents.models import StaffDocument
from inventory.people.models import Staff
from inventory.people.schemas import Paperwork

# the paperwork field each kind of document dates
KINDS = {"political_responsibility": ("政治责任书", "political_responsibility_signed_on"),
         "confidentiality": ("信息安全保密协议", "confidentiality_signed_on"),
         "security_responsibility": ("信息安全责任书", "security_responsibility_signed_on"),
         "background_check": ("背景审查", "background_check_on")}
SCANS = (sniff.PDF, sniff.JPEG, sniff.PNG, sniff.WEBP, sniff.BMP, sniff.GIF)
MAX_BYTES = 10 * 1024 * 1024  # a phone's photo of a page, or a scanned PDF


async def _person(session: AsyncSession, tenant_id: str, code: str) -> Staff:
    staff = await session.get(Staff, (tenant_id, code))
    if staff is None:
        raise NotFound(f"no staff {code!r}")
    return staff


async def upload(session: AsyncSession, tenant_id: str, code: str, kind: str, signed_on: date,
                 data: bytes, filename: str, actor: str) -> StaffDocument:
    """The scan checked (a PDF or an image, by its bytes), kept, and its date made the
    paperwork's date for that document."""
    staff = await _person(session, tenant_id, code)
    if not data:
        raise Unprocessable("the body is empty: send the scan's bytes as the body")
    if len(data) > MAX_BYTES:
        raise PayloadTooLarge(f"the scan is {len(data):,} bytes; at most {MAX_BYTES:,}")
    name = uploaded_name(filename)
    found = sniff.kind_of(data)
    if found not in SCANS:
        raise UnsupportedMediaType(f"{name!r} is {found.label if found else 'not a file we accept'}: "
                                   "a scan is a PDF or an image (JPEG, PNG)")
    document = StaffDocument(tenant_id=tenant_id, staff=code, kind=kind, signed_on=signed_on, filename=name,
                             content_type=found.content_type, size=len(data),
                             sha256=hashlib.sha256(data).hexdigest(), content=data, uploaded_by=actor)
    session.add(document)
    field = KINDS[kind][1]
    staff.paperwork = Paperwork.model_validate({**staff.paperwork, field: signed_on.isoformat()}) \
        .model_dump(mode="json")
    await session.flush()
    return document


async def of_person(session: AsyncSession, tenant_id: str, code: str) -> list[StaffDocument]:
    await _person(session, tenant_id, code)
    rows = await session.execute(select(StaffDocument).where(
        StaffDocument.tenant_id == tenant_id, StaffDocument.staff == code).order_by(StaffDocument.id))
    return list(rows.scalars())


async def one(session: AsyncSession, tenant_id: str, code: str, document_id: int) -> StaffDocument:
    row = (await session.execute(select(StaffDocument).options(undefer(StaffDocument.content)).where(
        StaffDocument.tenant_id == tenant_id, StaffDocument.staff == code,
        StaffDocument.id == document_id))).scalar_one_or_none()
    if row is None:
        raise NotFound(f"staff {code!r} has no document {document_id}")
    return row


async def register(session: AsyncSession, tenant_id: str) -> list[tuple[Staff, dict[str, StaffDocument]]]:
    """Every active person with the current scan of each kind (absent when none)."""
    people = list((await session.execute(select(Staff).where(
        Staff.tenant_id == tenant_id, Staff.status == "active").order_by(Staff.code))).scalars())
    current: dict[str, dict[str, StaffDocument]] = {}
    for d in (await session.execute(select(StaffDocument).where(StaffDocument.tenant_id == tenant_id)
                                    .order_by(StaffDocument.id))).scalars():
        current.setdefault(d.staff, {})[d.kind] = d  # the latest wins
    return [(p, current.get(p.code, {})) for p in people]
