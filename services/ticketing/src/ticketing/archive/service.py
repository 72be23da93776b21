"""Publishing a report into the archive, and reading the archive back.

A period is published once it has ended: the report is built as `GET /reports/{kind}`
builds it (with the people and the money read on the publisher's behalf), rendered to
DOCX and PDF, and stored with each file's SHA-256; the event goes out through the outbox in
the same transaction. Publishing a period already published returns what is there (the
scheduler may run twice); publishing it *again* — the data were corrected — needs a reason
and adds a version, since the earlier one may already carry a stamp."""

from __future__ import annotations

import asyncio
import hashlib
from datetime import UTC, datetime

from opspact import metrics, outbox
from opspact.calendar import SHANGHAI
from opspact.db.locks import xact_lock
from opspact.errors import Conflict, Forbidden, NotFound, Unprocessable
from opspact.peers import Denied
from opspact.tenancy.registry import load_tenant
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request

from ticketing.archive import events
from ticketing.archive.models import ArchivedFile, ArchivedReport, FileInfo
from ticketing.reports import periods, pool, render_docx, render_pdf, service, summaries
from ticketing.signoff import service as signoffs
from ticketing.signoff.models import SignOff
from ticketing.signoff.schemas import ReportSignOffIn
from ticketing.tables import shared
from ticketing.tenant_settings import TicketingTenantSettings

RENDERERS = {"docx": render_docx.render, "pdf": render_pdf.render}


async def latest(session: AsyncSession, tenant_id: str, kind: str, period: str) -> ArchivedReport | None:
    return (await session.execute(
        select(ArchivedReport).where(ArchivedReport.tenant_id == tenant_id, ArchivedReport.kind == kind,
                                     ArchivedReport.period == period)
        .order_by(ArchivedReport.version.desc()).limit(1))).scalar_one_or_none()


async def files_of(session: AsyncSession, tenant_id: str,
                   archive_ids: list[int]) -> dict[int, list[FileInfo]]:
    """Each archive's files without their content (a listing must not read megabytes)."""
    rows = await session.execute(
        select(ArchivedFile.archive_id, ArchivedFile.format, ArchivedFile.sha256, ArchivedFile.size)
        .where(ArchivedFile.tenant_id == tenant_id, ArchivedFile.archive_id.in_(archive_ids))
        .order_by(ArchivedFile.format))
    out: dict[int, list[FileInfo]] = {i: [] for i in archive_ids}
    for archive_id, fmt, sha256, size in rows:
        out[archive_id].append(FileInfo(fmt, sha256, size))
    return out


async def publish(session: AsyncSession, request: Request, tenant_id: str, kind: str, code: str,
                  actor: str, again: bool = False,
                  reason: str | None = None) -> tuple[ArchivedReport, list[FileInfo], bool]:
    """(the archived report, its files, whether this call made it)."""
    config = await load_tenant(session, shared.tenants, tenant_id)
    period = periods.parse(kind, code, periods.service_year_start(config))
    today = datetime.now(SHANGHAI).date()
    if period.last >= today:
        raise Conflict(f"{period.label} has not ended (its last day is {period.last}); only an ended "
                       f"period is published — GET /reports/{kind}?period={code} shows it so far")
    wanted = TicketingTenantSettings.model_validate(config["settings"]).reports
    if kind not in wanted.kinds:
        raise Unprocessable(f"the contract asks for {', '.join(wanted.kinds)} reports, not {kind}",
                            errors=[{"field": "body.kind", "message": f"one of {', '.join(wanted.kinds)}"}])
    if again and not reason:
        raise Unprocessable("publishing a period again needs a reason (the earlier version may be stamped)",
                            errors=[{"field": "body.reason", "message": "required with again"}])
    # One publisher per period at a time: a second waits, then finds the first's version.
    await xact_lock(session, f"report-archive:{tenant_id}:{kind}:{period.code}")
    before = await latest(session, tenant_id, kind, period.code)
    if before is not None and not again:
        return before, (await files_of(session, tenant_id, [before.id]))[before.id], False
    fetched = await summaries.fetch(request, period)
    for part in (fetched.staffing, fetched.statement):
        if isinstance(part, Denied):  # an archived copy is evidence: it must be whole
            raise Forbidden(f"the archived report would lack a section the publisher may not read: "
                            f"{part.detail}")
    report = await service.build(session, tenant_id, period, fetched)
    rendered = await asyncio.gather(*(metrics.rendered(render, report, kind, fmt, run=pool.run)
                                      for fmt, render in RENDERERS.items()))
    row = ArchivedReport(tenant_id=tenant_id, kind=kind, period=period.code,
                         version=before.version + 1 if before else 1, label=period.label,
                         title=report.title, first_day=period.first, last_day=period.last,
                         reason=reason if before else None, published_by=actor,
                         published_at=datetime.now(UTC))
    session.add(row)
    await session.flush()
    files = [ArchivedFile(archive_id=row.id, format=fmt, tenant_id=tenant_id,
                          sha256=hashlib.sha256(content).hexdigest(), size=len(content), content=content)
             for fmt, content in zip(RENDERERS, rendered, strict=True)]
    session.add_all(files)
    infos = [FileInfo(f.format, f.sha256, f.size) for f in files]
    await outbox.add(session, shared.outbox, events.published(row, infos, report.numbers))
    return row, infos, True


async def sign(session: AsyncSession, principal, archive_id: int,
               body: ReportSignOffIn) -> tuple[SignOff, bool]:
    """The client's decision on an archived version: only the period's latest is signed."""
    row = await get(session, principal.tenant, archive_id)
    await signoffs.check_tenant_rule(session, principal)
    await xact_lock(session, f"report-archive:{principal.tenant}:{row.kind}:{row.period}")
    newest = await latest(session, principal.tenant, row.kind, row.period)
    if newest is not None and newest.id != row.id:
        raise Conflict(f"{row.label} was published again (version {newest.version}, archive {newest.id}): "
                       "sign the latest")
    held = {f.format: f.sha256 for f in (await files_of(session, principal.tenant, [row.id]))[row.id]}
    if body.format not in held:
        raise NotFound(f"archived report {archive_id} has no {body.format} file")
    signed, made = await signoffs.decide(session, principal, "report", row.id, held[body.format], body,
                                         part=body.format)
    if made:
        await outbox.add(session, shared.outbox, events.signed(row, signed))
    return signed, made


async def page(session: AsyncSession, tenant_id: str, kind: str | None, period: str | None,
               limit: int, offset: int) -> tuple[list[ArchivedReport], int]:
    where = [ArchivedReport.tenant_id == tenant_id]
    if kind:
        where.append(ArchivedReport.kind == kind)
    if period:
        where.append(ArchivedReport.period == period)
    counted = select(func.count()).select_from(ArchivedReport).where(*where)
    total = (await session.execute(counted)).scalar_one()
    rows = await session.execute(
        select(ArchivedReport).where(*where)
        .order_by(ArchivedReport.last_day.desc(), ArchivedReport.kind, ArchivedReport.version.desc())
        .limit(limit).offset(offset))
    return list(rows.scalars()), total


async def get(session: AsyncSession, tenant_id: str, archive_id: int) -> ArchivedReport:
    row = (await session.execute(select(ArchivedReport).where(
        ArchivedReport.tenant_id == tenant_id, ArchivedReport.id == archive_id))).scalar_one_or_none()
    if row is None:
        raise NotFound(f"no archived report {archive_id}")
    return row


async def file(session: AsyncSession, tenant_id: str, archive_id: int, fmt: str) -> ArchivedFile:
    row = (await session.execute(select(ArchivedFile).where(
        ArchivedFile.tenant_id == tenant_id, ArchivedFile.archive_id == archive_id,
        ArchivedFile.format == fmt))).scalar_one_or_none()
    if row is None:
        raise NotFound(f"archived report {archive_id} has no {fmt} file")
    return row
