"""Attendance over HTTP: check in, check out, the records, and the report against the roster."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from opspact import tabular
from opspact.app import SESSION, current_principal
from opspact.auth import Principal
from opspact.errors import UnsupportedMediaType
from opspact.permissions import require
from opspact.types import IsoDate
from sqlalchemy.ext.asyncio import AsyncSession

from inventory.attendance import importer, service
from inventory.attendance.schemas import AttendanceOut, AttendancePage, AttendanceReport, CheckIn

router = APIRouter(prefix="/attendance", tags=["people"])
CONFLICT = {409: {"description": "checked in already / not checked in"}}


@router.post("/check-in", status_code=201, response_model=AttendanceOut, responses=CONFLICT)
async def check_in(body: CheckIn, principal: Principal = Depends(current_principal),
                   session: AsyncSession = SESSION) -> AttendanceOut:
    """Arriving: the caller now, or (a manager) another person or time."""
    require(principal, "attendance.record")
    return service.attendance_out(await service.check_in(session, principal, body))


@router.post("/check-out", response_model=AttendanceOut, responses=CONFLICT)
async def check_out(body: CheckIn, principal: Principal = Depends(current_principal),
                    session: AsyncSession = SESSION) -> AttendanceOut:
    """Leaving: closes the caller's (or, a manager, the person's) open stretch."""
    require(principal, "attendance.record")
    return service.attendance_out(await service.check_out(session, principal, body))


@router.post("/import", response_model=importer.ImportOutcome, openapi_extra={
    "requestBody": {"required": True, "content": {
        tabular.CSV: {"schema": {"type": "string"}},
        tabular.XLSX: {"schema": {"type": "string", "format": "binary"}}},
        "description": "a door or attendance system's records, UTF-8 or GB18030 CSV, or XLSX; columns: "
                       + "; ".join(" / ".join(names) for names in importer.COLUMNS.values())}},
    responses={422: {"description": "bad rows, each named with its line; nothing was imported"}})
async def import_attendance(request: Request, principal: Principal = Depends(current_principal),
                            session: AsyncSession = SESSION) -> importer.ImportOutcome:
    """考勤导入 from a site's door or attendance system: all or nothing; a row sent again is
    the same record."""
    require(principal, "attendance.import")
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type not in (tabular.CSV, tabular.XLSX):
        raise UnsupportedMediaType("send the records as text/csv or an XLSX workbook")
    return await importer.run(session, principal.tenant, await request.body(), content_type,
                              principal.subject)


@router.get("", response_model=AttendancePage)
async def list_attendance(from_: Annotated[IsoDate, Query(alias="from")], to: Annotated[IsoDate, Query()],
                          staff: str | None = Query(default=None, max_length=64),
                          limit: int = Query(50, ge=1, le=200), offset: int = Query(0, ge=0, le=1_000_000),
                          principal: Principal = Depends(current_principal),
                          session: AsyncSession = SESSION) -> AttendancePage:
    """Stretches overlapping the days `from`..`to` (Asia/Shanghai, inclusive), newest first."""
    require(principal, "attendance.read")
    first, last = service.window(from_, to)
    rows, total = await service.page(session, principal.tenant, staff, first, last, limit, offset)
    return AttendancePage(items=[service.attendance_out(a) for a in rows], total=total, limit=limit,
                          offset=offset)


@router.get("/report", response_model=AttendanceReport)
async def attendance_report(from_: Annotated[IsoDate, Query(alias="from")], to: Annotated[IsoDate, Query()],
                            principal: Principal = Depends(current_principal),
                            session: AsyncSession = SESSION) -> AttendanceReport:
    """Each rostered shift against what was recorded — checked in when, minutes late, absent,
    hours covered — per person, and the hours each post was left uncovered (≤ 62 days)."""
    require(principal, "attendance.read")
    return await service.report(session, principal.tenant, from_, to)
