"""运维服务售后记录单 (xinxiang: "每次(项)运维任务完成，乙方工作人员需严格填写运维服务售后记录单"):
one form per task completed in the span — each ticket resolved in it (its last
resolution there), and each work-log entry not tied to a ticket (inspections, upgrades,
training: tasks too). Filled from what was recorded; the client's opinion and signature
are left blank for the paper copy. Missing records cost xinxiang 3 % of the contract."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from opspact.calendar import SHANGHAI, minute_text
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ticketing.reports import labels
from ticketing.reports.document import Report, Section, Table
from ticketing.sla.models import SlaClock
from ticketing.tickets.models import Ticket, TimelineEntry
from ticketing.tickets.service import systems_of
from ticketing.worklog.models import WorklogEntry

TITLE = "运维服务售后记录单"
MAX_RECORDS = 5000  # a year of xinxiang's tasks is a few hundred
BLANK = "　"  # filled in by hand on the printed form


@dataclass(frozen=True)
class ServiceRecord:
    number: str
    kind: str  # 故障 / 服务请求 / 咨询 / the work-log category
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


async def gather(session: AsyncSession, tenant_id: str, start: datetime,
                 end: datetime) -> list[ServiceRecord]:
    systems = await systems_of(session, tenant_id)
    resolved = (await session.execute(
        select(TimelineEntry.ticket_id, TimelineEntry.at, TimelineEntry.note, TimelineEntry.actor)
        .where(TimelineEntry.tenant_id == tenant_id, TimelineEntry.to_status == "resolved",
               TimelineEntry.at >= start, TimelineEntry.at < end)
        .order_by(TimelineEntry.ticket_id, TimelineEntry.at.desc())
        .distinct(TimelineEntry.ticket_id).limit(MAX_RECORDS))).all()
    ids = [row.ticket_id for row in resolved]
    tickets = {t.id: t for t in (await session.execute(
        select(Ticket).where(Ticket.tenant_id == tenant_id, Ticket.id.in_(ids)))).scalars()}
    stopped: dict[tuple[uuid.UUID, str], datetime] = {
        (c.ticket_id, c.clock): c.stopped_at for c in (await session.execute(
            select(SlaClock).where(SlaClock.tenant_id == tenant_id, SlaClock.ticket_id.in_(ids),
                                   SlaClock.stopped_at.is_not(None)))).scalars()}
    records = []
    for row in resolved:
        t = tickets[row.ticket_id]
        records.append(ServiceRecord(
            t.number, labels.of(labels.KINDS, t.kind), systems.get(t.system_code, t.system_code),
            labels.of(labels.CHANNELS, t.channel), t.created_at, stopped.get((t.id, "response")),
            stopped.get((t.id, "on_site")), row.at, t.reporter or "", t.assignee or row.actor or "",
            f"{t.title}：{t.description}".rstrip("："), row.note or ""))
    entries = (await session.execute(
        select(WorklogEntry).where(WorklogEntry.tenant_id == tenant_id, WorklogEntry.ticket_id.is_(None),
                                   WorklogEntry.occurred_at >= start, WorklogEntry.occurred_at < end)
        .order_by(WorklogEntry.occurred_at, WorklogEntry.id).limit(MAX_RECORDS))).scalars()
    for w in entries:
        records.append(ServiceRecord(
            f"W{w.id:06d}", labels.of(labels.WORKLOG, w.category),
            systems.get(w.system_code or "", w.system_code or "—"), "—", w.occurred_at, None, None,
            w.occurred_at, w.initiator, w.handler, w.handling,
            f"{w.handling}（反馈：{w.feedback}）" if w.feedback else w.handling))
    return sorted(records, key=lambda r: (r.completed_at, r.number))


def form(record: ServiceRecord, client: str) -> Section:
    rows = [
        ["客户单位", client], ["系统名称", record.system], ["服务类别", record.kind],
        ["报修方式", record.channel], ["报修人", record.reporter or "—"],
        ["报修时间", minute_text(record.reported_at)],
        ["响应时间", minute_text(record.responded_at) or "—"],
        ["到场时间", minute_text(record.arrived_at) or "—"],
        ["完成时间", minute_text(record.completed_at)],
        ["故障现象／服务内容", record.content], ["处理过程及结果", record.handling or "—"],
        ["服务工程师", record.engineer or "—"],
        ["客户意见", BLANK], ["客户签字", BLANK], ["日期", BLANK],
    ]
    return Section(f"{TITLE}（{record.number}）", tables=[Table("", ["项目", "内容"], rows, [12, 48])],
                   new_page=True)


def build(records: list[ServiceRecord], project: str, client: str, vendor: str,
          first: str, last: str) -> Report:
    register = Table("记录单清单", ["编号", "类别", "系统", "完成时间", "服务工程师", "内容"],
                     [[r.number, r.kind, r.system, minute_text(r.completed_at), r.engineer or "—", r.content]
                      for r in records], [12, 10, 16, 18, 12, 40])
    return Report(
        kind="records", title=f"{project}{TITLE}",
        facts=[("项目名称", project), ("客户单位", client), ("服务单位", vendor),
               ("统计区间", f"{first} 至 {last}"), ("记录单份数", str(len(records))),
               ("生成时间", minute_text(datetime.now(SHANGHAI)))],
        sections=[Section("记录单清单", tables=[register]), *(form(r, client) for r in records)],
        numbers={"records": len(records),
                 "tickets": sum(not r.number.startswith("W") for r in records),
                 "worklog": sum(r.number.startswith("W") for r in records)})
