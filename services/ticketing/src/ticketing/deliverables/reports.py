"""The periodic reports in the register: each archived report (its latest version, signed
or not) and each report the contract dates (beijing's 年度总结 within 15 days after the term)
before it is archived — one list of everything handed over or owed."""

from __future__ import annotations

from datetime import date, timedelta

from opspact.calendar import SHANGHAI
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from ticketing.archive.models import ArchivedFile, ArchivedReport
from ticketing.deliverables.register import contract_anchors
from ticketing.deliverables.schemas import DeliverableOut, DeliverableVersionOut
from ticketing.reports import labels, periods
from ticketing.reports.settings import ReportSettings
from ticketing.signoff import service as signoffs

SIGNED_FORMAT = "pdf"  # what the register shows of an archived report: the file a stamp goes on


async def _latest(session: AsyncSession,
                  tenant_id: str) -> dict[tuple[str, str], tuple[ArchivedReport, int]]:
    """(kind, period) → its latest archived version and how many there are."""
    ranked = select(ArchivedReport, func.count().over(
        partition_by=(ArchivedReport.kind, ArchivedReport.period)).label("versions"),
        func.row_number().over(partition_by=(ArchivedReport.kind, ArchivedReport.period),
                               order_by=ArchivedReport.version.desc()).label("rank")) \
        .where(ArchivedReport.tenant_id == tenant_id).subquery()
    rows = await session.execute(select(ArchivedReport, ranked.c.versions)
                                 .join(ranked, ranked.c.id == ArchivedReport.id).where(ranked.c.rank == 1))
    return {(r.kind, r.period): (r, versions) for r, versions in rows}


async def rows(session: AsyncSession, tenant_id: str, config: dict, wanted: ReportSettings,
               today: date) -> list[DeliverableOut]:
    latest = await _latest(session, tenant_id)
    anchors = contract_anchors(config)
    owed: set[tuple[str, str]] = set()
    if "term_start" in anchors and "term_end" in anchors:
        for kind in wanted.due_within_days:
            if kind in wanted.kinds:
                begun = min(anchors["term_end"], today)
                owed |= {(kind, p.code) for p in periods.overlapping(
                    kind, anchors["term_start"], begun, periods.service_year_start(config))}
    keys = sorted(set(latest) | owed)
    if not keys:
        return []
    archived = [latest[k][0].id for k in keys if k in latest]
    files = {f.archive_id: f for f in await session.execute(  # the file's digest, not its bytes
        select(ArchivedFile.archive_id, ArchivedFile.sha256, ArchivedFile.size).where(
            ArchivedFile.tenant_id == tenant_id, ArchivedFile.archive_id.in_(archived),
            ArchivedFile.format == SIGNED_FORMAT))}
    signed = await signoffs.of(session, tenant_id, "report", archived)
    year_start = periods.service_year_start(config)
    out = []
    for kind, code in keys:
        period = periods.parse(kind, code, year_start)
        within = wanted.due_within_days.get(kind)
        due_on = period.last + timedelta(days=within) if within is not None else None
        row, versions = latest.get((kind, code), (None, 0))
        version = _version(row, files.get(row.id), signed.get(row.id)) if row else None
        if row is None:
            state = "overdue" if due_on and today > due_on else "due"
        else:
            state = signed[row.id].decision if row.id in signed else "submitted"
        handed = row.published_at.astimezone(SHANGHAI).date() if row else today
        clause = (wanted.due_clause if within is not None else None) or wanted.clause or ""
        out.append(DeliverableOut(
            code=f"report-{kind}", name=labels.TITLES[kind], period=code,
            label=f"{period.label}{labels.TITLES[kind]}", every=kind, due_on=due_on,
            undated=None if due_on else "合同未约定提交期限（期末后发布）", state=state,
            late=bool(due_on and handed > due_on), records=None, clause=clause,
            reading=None, versions=versions, latest=version,
            accepted=version if _accepted(version) else None))
    return out


def _accepted(version: DeliverableVersionOut | None) -> bool:
    return bool(version and version.signoff and version.signoff.decision == "accepted")


def _version(row: ArchivedReport, pdf, signed) -> DeliverableVersionOut | None:
    if pdf is None:
        return None
    return DeliverableVersionOut(
        version=row.version, filename=f"{row.kind}-{row.tenant_id}-{row.period}-v{row.version}.pdf",
        content_type="application/pdf", kind="PDF", size=pdf.size, sha256=pdf.sha256, note=row.reason,
        submitted_by=row.published_by, submitted_at=row.published_at,
        href=f"/report-archive/{row.id}/{SIGNED_FORMAT}", signoff=signoffs.out(signed))
