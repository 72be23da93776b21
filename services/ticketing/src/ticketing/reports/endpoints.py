"""Periodic reports over HTTP: JSON for a look, DOCX to edit and stamp, PDF to archive,
XLSX for the tables."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from enum import Enum

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from opspact import metrics
from opspact.app import SESSION, current_principal
from opspact.auth import Principal
from opspact.calendar import SHANGHAI
from opspact.calendar.spans import day_span
from opspact.errors import Unprocessable
from opspact.permissions import require
from opspact.tabular import XLSX
from opspact.tenancy.registry import load_tenant
from opspact.types import IsoDate
from pydantic import BaseModel, Field
from sqlalchemy.ext.asyncio import AsyncSession

from ticketing.reports import periods, pool, render_docx, render_pdf, render_xlsx, service, summaries
from ticketing.reports.document import Report
from ticketing.reports.settings import ReportSettings
from ticketing.tables import shared
from ticketing.tenant_settings import TicketingTenantSettings

router = APIRouter(prefix="/reports", tags=["reports"])
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"


class ReportKind(str, Enum):
    weekly = "weekly"
    monthly = "monthly"
    quarterly = "quarterly"
    half_yearly = "half_yearly"
    annual = "annual"


class Format(str, Enum):
    json = "json"
    docx = "docx"
    pdf = "pdf"
    xlsx = "xlsx"


class TableOut(BaseModel):
    caption: str
    header: list[str]
    rows: list[list[str | int]]


class ChartOut(BaseModel):
    caption: str = Field(description="the figure's caption, as in the documents")
    kind: str = Field(description="bars | lines | histogram")
    labels: list[str]
    series: dict[str, list[float | int | None]] = Field(description=(
        "a list of values per series name, one per label (null: nothing fell due)"))
    unit: str


class SectionOut(BaseModel):
    heading: str
    paragraphs: list[str]
    tables: list[TableOut]
    figures: list[str]
    charts: list[ChartOut] = Field(default_factory=list, description=(
        "what each figure draws, as numbers (for a screen to draw the same)"))


class ReportOut(BaseModel):
    kind: str
    period: str
    title: str
    facts: dict[str, str]
    numbers: dict[str, int | str]
    sections: list[SectionOut]


def report_out(period: str, r: Report) -> ReportOut:
    return ReportOut(kind=r.kind, period=period, title=r.title, facts=dict(r.facts), numbers=r.numbers,
                     sections=[SectionOut(heading=s.heading, paragraphs=s.paragraphs,
                                          tables=[TableOut(caption=t.caption, header=t.header, rows=t.rows)
                                                  for t in s.tables],
                                          figures=[f.caption for f in s.figures],
                                          charts=[ChartOut(caption=f.caption, **vars(f.chart))
                                                  for f in s.figures if f.chart])
                              for s in r.sections])


class PeriodOut(BaseModel):
    kind: str
    code: str = Field(description="what GET /reports/{kind}?period= takes")
    label: str
    first: date
    last: date
    complete: bool = Field(description="the period has ended (else the report covers it so far)")
    due_on: date | None = Field(default=None, description="the last day to hand it over, where "
                                                          "the contract sets one")


class DocumentOut(BaseModel):
    kind: str = Field(description="service-records (GET /service-records, a month per file) or "
                                  "manual (GET /manual, a year per file)")
    params: dict[str, str] = Field(description="the query that produces it")
    label: str
    complete: bool


class CatalogueOut(BaseModel):
    kinds: list[str] = Field(description="the periodic reports the contract requires")
    clause: str | None
    first: date
    last: date
    periods: list[PeriodOut]
    documents: list[DocumentOut] = Field(description="the other documents the contract requires")


MAX_CATALOGUE_DAYS = 3660


def _span(config: dict, first: date | None, last: date | None) -> tuple[date, date]:
    """The days asked for; by default the contract's term (its first and last day)."""
    term = config.get("contract", {}).get("term", {})
    first = first or (date.fromisoformat(str(term["start"])) if term.get("start") else None)
    last = last or (date.fromisoformat(str(term["end"])) if term.get("end") else None)
    if first is None or last is None:
        raise Unprocessable(f"the tenant file gives no term dates ({term.get('basis', 'no basis')}): "
                            "pass from and to", errors=[{"field": "query.from", "message": "required"}])
    return day_span(first, last, MAX_CATALOGUE_DAYS)


@router.get("", response_model=CatalogueOut)
async def catalogue(first: IsoDate | None = Query(default=None, alias="from",
                                                  description="default: the term's first day"),
                    last: IsoDate | None = Query(default=None, alias="to",
                                                 description="default: the term's last day"),
                    principal: Principal = Depends(current_principal),
                    session: AsyncSession = SESSION) -> CatalogueOut:
    """The reports the contract requires and every period of each that shares a day with
    the span and has begun — what an acceptance dossier holds."""
    require(principal, "reports.read")
    config = await load_tenant(session, shared.tenants, principal.tenant)
    wanted = TicketingTenantSettings.model_validate(config["settings"]).reports
    first, last = _span(config, first, last)
    today = datetime.now(SHANGHAI).date()
    begun = min(last, today)  # periods not begun yet have nothing to report
    due = wanted.due_within_days
    listed = [PeriodOut(kind=p.kind, code=p.code, label=p.label, first=p.first, last=p.last,
                        complete=p.last < today,
                        due_on=p.last + timedelta(days=due[kind]) if kind in due else None)
              for kind in wanted.kinds
              for p in periods.overlapping(kind, first, begun, periods.service_year_start(config))]
    return CatalogueOut(kinds=list(wanted.kinds), clause=wanted.clause, first=first, last=last,
                        periods=listed, documents=_documents(wanted, first, begun, today))


def _documents(wanted: ReportSettings, first: date, last: date, today: date) -> list[DocumentOut]:
    out = []
    if wanted.service_records:  # a month per file, clipped to the span
        for month in periods.overlapping("monthly", first, last):
            span = {"from": max(month.first, first).isoformat(), "to": min(month.last, last).isoformat()}
            out.append(DocumentOut(kind="service-records", params=span,
                                   label=f"{month.label}运维服务售后记录单", complete=month.last < today))
    if wanted.manual:
        for year in periods.overlapping("annual", first, last):
            out.append(DocumentOut(kind="manual", params={"year": year.code},
                                   label=f"{year.label}技术服务手册", complete=year.last < today))
    return out


RENDERERS = {Format.docx: (render_docx.render, DOCX), Format.pdf: (render_pdf.render, PDF),
             Format.xlsx: (render_xlsx.render, XLSX)}


@router.get("/{kind}", response_model=ReportOut, responses={
    200: {"content": {DOCX: {}, PDF: {}, XLSX: {}}, "description": "the report (JSON or the file asked)"},
    400: {"description": "the request did not come through the gateway, which delegates the reads"},
    503: {"description": "inventory or billing did not give their part"}})
async def get_report(request: Request,
                     kind: ReportKind = Path(
                         description="weekly | monthly | quarterly | half_yearly | annual"),
                     period: str | None = Query(default=None, max_length=10,
                                                description="2025-W10 | 2025-03 | 2025-Q1 | 2025-H1 | 2025; "
                                                            "default: the last one ended"),
                     format: Format = Format.json,  # noqa: A002 (the query parameter's name)
                     principal: Principal = Depends(current_principal),
                     session: AsyncSession = SESSION):
    """周报 / 月报 / 季度报告 / 年度报告 from what was recorded in the period, with the people
    (inventory) and, from monthly up, the money (billing) of the same days."""
    require(principal, "reports.read")
    year_start = periods.service_year_start(await load_tenant(session, shared.tenants, principal.tenant))
    code = period or periods.current(kind.value, datetime.now(SHANGHAI).date(), year_start)
    parsed = periods.parse(kind.value, code, year_start)
    report = await service.build(session, principal.tenant, parsed,
                                 await summaries.fetch(request, parsed))
    return await answer(report, parsed.code, format, f"{kind.value}-{principal.tenant}-{parsed.code}")


async def answer(report: Report, period: str, format: Format, name: str):  # noqa: A002
    """The report as JSON, or rendered (off the event loop) as the file asked for."""
    if format is Format.json:
        return report_out(period, report)
    render, media_type = RENDERERS[format]
    content = await metrics.rendered(render, report, report.kind, format.value, run=pool.run)
    return Response(content, media_type=media_type,
                    headers={"Content-Disposition": f'attachment; filename="{name}.{format.value}"'})
