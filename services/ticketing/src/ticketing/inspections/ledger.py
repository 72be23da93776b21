"""The inspection ledger as people read it: planned rounds merged with the rows of
recorded and missed ones, one round with its checklist, and the XLSX export."""

from __future__ import annotations

from datetime import UTC, datetime

from opspact.calendar import SHANGHAI, minute_text
from opspact.errors import NotFound
from opspact.tabular import workbook_bytes
from sqlalchemy.ext.asyncio import AsyncSession
from ticketing.inspections import plan, repository, service
from ticketing.inspections.models import InspectionEvidence, InspectionRound
from ticketing.inspections.schemas import EvidenceOut, ItemOut, RoundOut

STATE_NAMES = {"upcoming": "待巡检", "recorded": "按时完成", "missed": "未巡检（逾期）",
               "made_up": "逾期补录"}


def _out(ctx: service.Context, schedule: str, due_at: datetime, heightened: str | None,
         row: InspectionRound | None, now: datetime) -> RoundOut:
    deadline = row.deadline if row else due_at + ctx.grace
    out = RoundOut(round=plan.round_key(schedule, due_at), schedule=schedule,
                   schedule_name=ctx.schedule_name(schedule), due_at=due_at.astimezone(SHANGHAI),
                   deadline=deadline.astimezone(SHANGHAI), heightened=heightened,
                   state=service.state_of(row, deadline, now))
    if row is not None:
        out.inspector, out.started_at, out.ended_at = row.inspector, row.started_at, row.ended_at
        out.recorded_by, out.anomalies, out.missed_at = row.recorded_by, row.anomalies, row.missed_at
    return out


async def _merged(session: AsyncSession, tenant_id: str, start: datetime, end: datetime,
                  schedule: str | None) -> list[tuple[RoundOut, InspectionRound | None]]:
    """Every round of the period with its row if it has one, newest first. Rows whose
    schedule left the tenant file stay in the ledger: they are records, whatever the
    plan says now."""
    ctx = await service.context(session, tenant_id)
    now = datetime.now(UTC)
    rows = {(r.schedule, r.due_at): r
            for r in await repository.stored(session, tenant_id, start, end, schedule)}
    merged = []
    for p in ctx.rounds(start, end, schedule):
        row = rows.pop((p.schedule.code, p.due_at), None)
        merged.append((_out(ctx, p.schedule.code, p.due_at, p.heightened, row, now), row))
    merged += [(_out(ctx, r.schedule, r.due_at, r.heightened, r, now), r) for r in rows.values()]
    return sorted(merged, key=lambda pair: (pair[0].due_at, pair[0].schedule), reverse=True)


async def rounds(session: AsyncSession, tenant_id: str, start: datetime, end: datetime,
                 schedule: str | None) -> list[RoundOut]:
    return [out for out, _ in await _merged(session, tenant_id, start, end, schedule)]


def _evidence_out(rows: list[InspectionEvidence]) -> dict[str, list[EvidenceOut]]:
    by_item: dict[str, list[EvidenceOut]] = {}
    for e in rows:
        by_item.setdefault(e.item, []).append(EvidenceOut(
            id=e.id, item=e.item, filename=e.filename, content_type=e.content_type, size=e.size,
            sha256=e.sha256, uploaded_by=e.uploaded_by, uploaded_at=e.uploaded_at))
    return by_item


async def one(session: AsyncSession, tenant_id: str, key: str,
              ctx: service.Context | None = None) -> RoundOut:
    """`ctx`: the tenant's context when the caller has just read it."""
    ctx = ctx or await service.context(session, tenant_id)
    planned = ctx.planned(key)
    row = await repository.one(session, tenant_id, planned.schedule.code, planned.due_at)
    out = _out(ctx, planned.schedule.code, planned.due_at, planned.heightened, row, datetime.now(UTC))
    if row is not None and row.recorded_at is not None:
        evidence = _evidence_out(await repository.evidence_of(session, tenant_id, row.id))
        out.items = [ItemOut(item=r["item"], name=r["name"], status=r["status"], note=r["note"],
                             ticket_id=r["ticket_id"], evidence=evidence.get(r["item"], []))
                     for r in row.results]
    else:
        out.items = [ItemOut(item=i.key, name=i.name)
                     for i in ctx.checklist(planned.schedule)]
    return out


async def evidence(session: AsyncSession, tenant_id: str, evidence_id: int) -> InspectionEvidence:
    row = await repository.evidence(session, tenant_id, evidence_id)
    if row is None:
        raise NotFound(f"evidence {evidence_id} not found")
    return row


async def workbook(session: AsyncSession, tenant_id: str, start: datetime, end: datetime,
                   schedule: str | None) -> bytes:
    """巡检记录台账 as XLSX: one row per checklist item of a recorded round, one row
    for a round not (yet) recorded. Times in Asia/Shanghai, oldest first."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    listed = list(reversed(await _merged(session, tenant_id, start, end, schedule)))
    book = Workbook()
    sheet = book.active
    sheet.title = "巡检记录台账"
    header = ["巡检计划", "应巡检时间", "截止时间", "安保期", "状态", "巡检人", "开始时间", "结束时间",
              "检查项", "结果", "情况说明", "关联工单"]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for r, row in listed:
        common = [r.schedule_name, minute_text(r.due_at), minute_text(r.deadline), r.heightened or "",
                  STATE_NAMES[r.state.value], r.inspector or "", minute_text(r.started_at),
                  minute_text(r.ended_at)]
        results = row.results if row is not None and row.recorded_at is not None else []
        if not results:
            sheet.append([*common, "", "", "", ""])
        for item in results:
            sheet.append([*common, item["name"], "正常" if item["status"] == "ok" else "异常",
                          item["note"] or "", item["ticket_id"] or ""])
    for column, width in zip("ABCDEFGHIJKL", (14, 17, 17, 16, 12, 10, 17, 17, 30, 6, 40, 38),
                             strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    return workbook_bytes(book)
