"""The documents that are not periodic reports: xinxiang's 运维服务售后记录单 (one form per
task) and xinjiang's yearly 技术服务手册 (per system, from the knowledge base)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from fastapi import APIRouter, Depends, Path, Query, Response
from opspact.app import SESSION, current_principal
from opspact.auth import Principal
from opspact.calendar import SHANGHAI
from opspact.calendar.spans import day_span
from opspact.permissions import require
from opspact.tabular import XLSX
from opspact.tenancy.registry import load_tenant
from opspact.types import IsoDate
from pydantic import BaseModel, Field
from sqlalchemy.ext.asyncio import AsyncSession

from ticketing.reports import facts, manual, periods, records
from ticketing.reports.endpoints import DOCX, PDF, Format, ReportOut, answer
from ticketing.reports.service import parties
from ticketing.signoff import service as signoffs
from ticketing.signoff.models import SignOff
from ticketing.signoff.schemas import SignOffIn, SignOffOut
from ticketing.tables import shared

router = APIRouter(tags=["reports"])
MAX_RECORD_DAYS = 366
FILES = {200: {"content": {DOCX: {}, PDF: {}, XLSX: {}}, "description": "JSON, or the file asked for"}}


def _record_span(first: date | None, last: date | None) -> tuple[date, date]:
    """Default: last month (the forms are filed monthly)."""
    today = datetime.now(SHANGHAI).date()
    last = last or today.replace(day=1) - timedelta(days=1)
    first = first or last.replace(day=1)
    return day_span(first, last, MAX_RECORD_DAYS)


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), SHANGHAI)


@router.get("/service-records", response_model=ReportOut, responses=FILES)
async def service_records(first: IsoDate | None = Query(default=None, alias="from",
                                                        description="default: the first of last month"),
                          last: IsoDate | None = Query(default=None, alias="to",
                                                       description="inclusive; default: last month's end"),
                          format: Format = Format.json,  # noqa: A002 (the query parameter's name)
                          principal: Principal = Depends(current_principal),
                          session: AsyncSession = SESSION):
    """运维服务售后记录单: a form for every task completed in the span (tickets resolved in
    it, work-log entries not tied to a ticket), with a register; DOCX to print and sign."""
    require(principal, "reports.read")
    first, last = _record_span(first, last)
    config = await load_tenant(session, shared.tenants, principal.tenant)
    found = await records.gather(session, principal.tenant, _midnight(first),
                                 _midnight(last + timedelta(days=1)))
    client, vendor = parties(config)
    report = records.build(found, config["name"], client, vendor, first.isoformat(), last.isoformat(),
                           await _signoffs(session, principal.tenant, found))
    span = f"{first.isoformat()}..{last.isoformat()}"
    return await answer(report, span, format,
                        f"service-records-{principal.tenant}-{first:%Y%m%d}-{last:%Y%m%d}")


async def _signoffs(session: AsyncSession, tenant_id: str,
                    found: list[records.ServiceRecord]) -> dict[tuple[str, int], SignOff]:
    out: dict[tuple[str, int], SignOff] = {}
    for subject in ("service_record", "worklog_record"):
        keys = [r.key for r in found if r.subject == subject]
        out |= {(subject, k): s for k, s in (await signoffs.of(session, tenant_id, subject, keys)).items()}
    return out


class ServiceRecordOut(BaseModel):
    number: str
    kind: str
    system: str
    channel: str
    reported_at: datetime
    responded_at: datetime | None
    arrived_at: datetime | None
    completed_at: datetime
    reporter: str
    engineer: str
    content: str
    handling: str
    sha256: str = Field(description="of the record's canonical JSON: what a sign-off names")
    signoff: SignOffOut | None = Field(description="the client's decision on exactly this record")


RecordNumber = Path(pattern=r"^[A-Za-z0-9-]{1,20}$",
                    description="the ticket's number (T2026-000123), or W and the work-log entry's (W000012)")


async def _record_out(session: AsyncSession, tenant_id: str,
                      record: records.ServiceRecord) -> ServiceRecordOut:
    signed = (await signoffs.of(session, tenant_id, record.subject, [record.key])).get(record.key)
    sha = records.digest(record)
    return ServiceRecordOut(**{k: getattr(record, k) for k in ServiceRecordOut.model_fields
                               if k not in ("sha256", "signoff")},
                            sha256=sha,
                            signoff=signoffs.out(signed) if signed and signed.sha256 == sha else None)


@router.get("/service-records/{number}", response_model=ServiceRecordOut)
async def service_record(number: str = RecordNumber, principal: Principal = Depends(current_principal),
                         session: AsyncSession = SESSION) -> ServiceRecordOut:
    """One task's 运维服务售后记录单 as data, with the SHA-256 a sign-off names."""
    require(principal, "reports.read")
    record = await records.one(session, principal.tenant, number)
    return await _record_out(session, principal.tenant, record)


@router.post("/service-records/{number}/signoff", status_code=201, response_model=SignOffOut, responses={
    200: {"model": SignOffOut, "description": "the same decision, already recorded"},
    403: {"description": "not the client's officer, or the tenant wants a 数字证书"},
    409: {"description": "the record changed since it was read (another SHA-256), or decided otherwise"}})
async def sign_service_record(body: SignOffIn, response: Response, number: str = RecordNumber,
                              principal: Principal = Depends(current_principal),
                              session: AsyncSession = SESSION) -> SignOffOut:
    """签字: the client's officer accepts a task's record (八2 "验收合格后甲方应出具书面的验收报告")
    or rejects it with the reason, on the SHA-256 of the record read. A fault resolved again
    after a reopening has a new record, signed anew."""
    require(principal, "deliverables.signoff")
    await signoffs.check_tenant_rule(session, principal)
    record = await records.one(session, principal.tenant, number)
    signed, made = await signoffs.decide(session, principal, record.subject, record.key,
                                         records.digest(record), body)
    if not made:
        response.status_code = 200
    return signoffs.out(signed)


@router.get("/manual", response_model=ReportOut, responses=FILES)
async def technical_manual(year: int | None = Query(default=None, ge=2000, le=2100,
                                                    description="default: last year"),
                           format: Format = Format.json,  # noqa: A002 (the query parameter's name)
                           principal: Principal = Depends(current_principal),
                           session: AsyncSession = SESSION):
    """技术服务手册 for a year: per system, fault-handling methods and parameter settings
    from the knowledge base, and the year's recurring faults with their latest handling."""
    require(principal, "reports.read")
    year = year or datetime.now(SHANGHAI).year - 1
    config = await load_tenant(session, shared.tenants, principal.tenant)
    period = periods.parse("annual", str(year))
    faults = await facts.tickets(session, principal.tenant, period.start, period.end)
    knowledge = await manual.articles(session, principal.tenant)
    report = manual.build(year, config["settings"]["systems"], knowledge, faults, config["name"],
                          parties(config)[1])
    return await answer(report, str(year), format, f"manual-{principal.tenant}-{year}")
