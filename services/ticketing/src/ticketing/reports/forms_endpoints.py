"""The documents that are not periodic reports: xinxiang's 运维服务售后记录单 (one form per
task) and xinjiang's yearly 技术服务手册 (per system, from the knowledge base)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from fastapi import APIRouter, Depends, Query
from opspact.app import SESSION, current_principal
from opspact.auth import Principal
from opspact.calendar import SHANGHAI
from opspact.calendar.spans import day_span
from opspact.permissions import require
from opspact.tabular import XLSX
from opspact.tenancy.registry import load_tenant
from opspact.types import IsoDate
from sqlalchemy.ext.asyncio import AsyncSession

from ticketing.reports import facts, manual, periods, records
from ticketing.reports.endpoints import DOCX, PDF, Format, ReportOut, answer
from ticketing.reports.service import parties
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
    report = records.build(found, config["name"], client, vendor, first.isoformat(), last.isoformat())
    span = f"{first.isoformat()}..{last.isoformat()}"
    return await answer(report, span, format,
                        f"service-records-{principal.tenant}-{first:%Y%m%d}-{last:%Y%m%d}")


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
