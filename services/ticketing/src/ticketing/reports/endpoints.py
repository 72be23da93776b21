"""Periodic reports over HTTP: JSON for a look, DOCX to edit and stamp, PDF to archive,
XLSX for the tables."""

from __future__ import annotations

import asyncio
from datetime import datetime
from enum import Enum

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from opspact.app import current_principal, current_session
from opspact.auth import Principal
from opspact.calendar import SHANGHAI
from opspact.permissions import require
from opspact.tabular import XLSX
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from ticketing.reports import periods, render_docx, render_pdf, render_xlsx, service, summaries
from ticketing.reports.document import Report

router = APIRouter(prefix="/reports", tags=["reports"])
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"


class Kind(str, Enum):
    weekly = "weekly"
    monthly = "monthly"
    quarterly = "quarterly"
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


class SectionOut(BaseModel):
    heading: str
    paragraphs: list[str]
    tables: list[TableOut]
    figures: list[str]


class ReportOut(BaseModel):
    kind: str
    period: str
    title: str
    facts: dict[str, str]
    numbers: dict[str, int | str]
    sections: list[SectionOut]


def report_out(period: periods.Period, r: Report) -> ReportOut:
    return ReportOut(kind=r.kind, period=period.code, title=r.title, facts=dict(r.facts), numbers=r.numbers,
                     sections=[SectionOut(heading=s.heading, paragraphs=s.paragraphs,
                                          tables=[TableOut(caption=t.caption, header=t.header, rows=t.rows)
                                                  for t in s.tables],
                                          figures=[f.caption for f in s.figures]) for s in r.sections])


RENDERERS = {Format.docx: (render_docx.render, DOCX), Format.pdf: (render_pdf.render, PDF),
             Format.xlsx: (render_xlsx.render, XLSX)}


@router.get("/{kind}", response_model=ReportOut, responses={
    200: {"content": {DOCX: {}, PDF: {}, XLSX: {}}, "description": "the report (JSON or the file asked)"},
    503: {"description": "inventory or billing did not give their part (or the request did not come "
                         "through the gateway, which delegates the reads)"}})
async def get_report(request: Request, kind: Kind = Path(description="weekly | monthly | quarterly | annual"),
                     period: str | None = Query(default=None, max_length=10,
                                                description="2025-W10 | 2025-03 | 2025-Q1 | 2025; "
                                                            "default: the last one ended"),
                     format: Format = Format.json,  # noqa: A002 (the query parameter's name)
                     principal: Principal = Depends(current_principal),
                     session: AsyncSession = Depends(current_session)):
    """周报 / 月报 / 季度报告 / 年度报告 from what was recorded in the period, with the people
    (inventory) and, from monthly up, the money (billing) of the same days."""
    require(principal, "reports.read")
    code = period or periods.current(kind.value, datetime.now(SHANGHAI).date())
    parsed = periods.parse(kind.value, code)
    report = await service.build(session, principal.tenant, parsed,
                                 await summaries.fetch(request, parsed))
    if format is Format.json:
        return report_out(parsed, report)
    render, media_type = RENDERERS[format]
    name = f"{kind.value}-{principal.tenant}-{parsed.code}.{format.value}"
    content = await asyncio.to_thread(render, report)
    return Response(content, media_type=media_type,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
