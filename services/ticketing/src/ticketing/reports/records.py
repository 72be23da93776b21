"""运维服务售后记录单 (xinxiang: "每次(项)运维任务完成，乙方工作人员需严格填写运维服务售后记录单"):
one form per task completed in the span — each ticket resolved in it (its last
resolution there), and each work-log entry not tied to a ticket (inspections, upgrades,
training: tasks too). Filled from what was recorded; the client's opinion and signature
are left blank for the paper copy. Missing records cost xinxiang 3 % of the contract."""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import asdict, dataclass
from datetime import datetime

from opspact.calendar import SHANGHAI, minute_text
from opspact.errors import NotFound
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ticketing.reports import labels
from ticketing.reports.document import Report, Section, Table
from ticketing.signoff.models import SignOff
from ticketing.sla.models import SlaClock
from ticketing.tickets.models import Ticket, TimelineEntry
from ticketing.tickets.service import systems_of
from ticketing.worklog.models import WorklogEntry

TITLE = "运维服务售后记录单"
MAX_RECORDS = 5000  # a year of xinxiang's tasks is a few hundred
BLANK = "　"  # filled in by hand on the printed form


@dataclass(frozen=True)
class ServiceRecord:
    # what a sign-off names: the resolution (its timeline entry) or the work-log entry
    subject: str  # service_record | worklog_record
    key: int
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


def _resolutions(tenant_id: str):
    """Each ticket's last resolution, newest first per ticket (a query to narrow)."""
    return (select(TimelineEntry.ticket_id, TimelineEntry.at, TimelineEntry.note, TimelineEntry.actor,
                   TimelineEntry.id)
            .where(TimelineEntry.tenant_id == tenant_id, TimelineEntry.to_status == "resolved")
            .order_by(TimelineEntry.ticket_id, TimelineEntry.at.desc())
            .distinct(TimelineEntry.ticket_id))


async def _ticket_records(session: AsyncSession, tenant_id: str, systems: dict[str, str],
                          resolved: list) -> list[ServiceRecord]:
    ids = [row.ticket_id for row in resolved]
    tickets = {t.id: t for t in (await session.execute(
        select(Ticket).where(Ticket.tenant_id == tenant_id, Ticket.id.in_(ids)))).scalars()}
    stopped: dict[tuple[uuid.UUID, str], datetime] = {
        (c.ticket_id, c.clock): c.stopped_at for c in (await session.execute(
            select(SlaClock).where(SlaClock.tenant_id == tenant_id, SlaClock.ticket_id.in_(ids),
                                   SlaClock.stopped_at.is_not(None)))).scalars()}
    out = []
    for row in resolved:
        t = tickets[row.ticket_id]
        out.append(ServiceRecord(
            "service_record", row.id, t.number, labels.of(labels.KINDS, t.kind),
            systems.get(t.system_code, t.system_code), labels.of(labels.CHANNELS, t.channel), t.created_at,
            stopped.get((t.id, "response")), stopped.get((t.id, "on_site")), row.at, t.reporter or "",
            t.assignee or row.actor or "", f"{t.title}：{t.description}".rstrip("："), row.note or ""))
    return out


def _worklog_record(w: WorklogEntry, systems: dict[str, str]) -> ServiceRecord:
    return ServiceRecord(
        "worklog_record", w.id, f"W{w.id:06d}", labels.of(labels.WORKLOG, w.category),
        systems.get(w.system_code or "", w.system_code or "—"), "—", w.occurred_at, None, None,
        w.occurred_at, w.initiator, w.handler, w.handling,
        f"{w.handling}（反馈：{w.feedback}）" if w.feedback else w.handling)


async def gather(session: AsyncSession, tenant_id: str, start: datetime,
                 end: datetime) -> list[ServiceRecord]:
    systems = await systems_of(session, tenant_id)
    # each ticket's last resolution within the span (a fault resolved in two months has a
    # record in each)
    resolved = (await session.execute(_resolutions(tenant_id).where(
        TimelineEntry.at >= start, TimelineEntry.at < end).limit(MAX_RECORDS))).all()
    records = await _ticket_records(session, tenant_id, systems, resolved)
    entries = (await session.execute(
        select(WorklogEntry).where(WorklogEntry.tenant_id == tenant_id, WorklogEntry.ticket_id.is_(None),
                                   WorklogEntry.occurred_at >= start, WorklogEntry.occurred_at < end)
        .order_by(WorklogEntry.occurred_at, WorklogEntry.id).limit(MAX_RECORDS))).scalars()
    records += [_worklog_record(w, systems) for w in entries]
    return sorted(records, key=lambda r: (r.completed_at, r.number))


async def one(session: AsyncSession, tenant_id: str, number: str) -> ServiceRecord:
    """The record of one task: a resolved ticket (its last resolution) or a work-log entry
    not tied to a ticket (W000012)."""
    systems = await systems_of(session, tenant_id)
    if number.startswith("W") and number[1:].isdigit():
        entry = (await session.execute(select(WorklogEntry).where(
            WorklogEntry.tenant_id == tenant_id, WorklogEntry.id == int(number[1:]),
            WorklogEntry.ticket_id.is_(None)))).scalar_one_or_none()
        if entry is not None:
            return _worklog_record(entry, systems)
    else:
        ticket = (await session.execute(select(Ticket.id).where(
            Ticket.tenant_id == tenant_id, Ticket.number == number))).scalar_one_or_none()
        query = _resolutions(tenant_id).where(TimelineEntry.ticket_id == ticket)
        resolved = (await session.execute(query)).all() if ticket else []
        if resolved:
            return (await _ticket_records(session, tenant_id, systems, resolved))[0]
    raise NotFound(f"no service record {number}: a ticket's record exists once it is resolved, a work-log "
                   "entry's when it is not tied to a ticket")


def canonical(record: ServiceRecord) -> bytes:
    """The record's content as signed: JSON with sorted keys (the same record, the same bytes)."""
    fields = {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in asdict(record).items()}
    return json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def digest(record: ServiceRecord) -> str:
    return hashlib.sha256(canonical(record)).hexdigest()


def _state(signed: SignOff | None) -> str:
    return {None: "未签收", "accepted": "已签收", "rejected": "退回"}[signed and signed.decision]


def _signed_rows(signed: SignOff | None) -> list[list[str]]:
    """The client's part of the form: from the sign-off where there is one (signed
    electronically on exactly this record), left blank for the pen otherwise."""
    if signed is None:
        return [["客户意见", BLANK], ["客户签字", BLANK], ["日期", BLANK]]
    how = "数字证书" if signed.method == "pki" else "系统账号"
    verdict = "验收合格" if signed.decision == "accepted" else "不合格"
    return [["客户意见", f"{verdict}{'：' + signed.comment if signed.comment else ''}"],
            ["客户签字", f"{signed.signed_by}（{how}电子签收，SHA-256 {signed.sha256[:16]}…）"],
            ["日期", minute_text(signed.signed_at)]]


def form(record: ServiceRecord, client: str, signed: SignOff | None = None) -> Section:
    rows = [
        ["客户单位", client], ["系统名称", record.system], ["服务类别", record.kind],
        ["报修方式", record.channel], ["报修人", record.reporter or "—"],
        ["报修时间", minute_text(record.reported_at)],
        ["响应时间", minute_text(record.responded_at) or "—"],
        ["到场时间", minute_text(record.arrived_at) or "—"],
        ["完成时间", minute_text(record.completed_at)],
        ["故障现象／服务内容", record.content], ["处理过程及结果", record.handling or "—"],
        ["服务工程师", record.engineer or "—"],
        *_signed_rows(signed),
    ]
    return Section(f"{TITLE}（{record.number}）", tables=[Table("", ["项目", "内容"], rows, [12, 48])],
                   new_page=True)


def build(records: list[ServiceRecord], project: str, client: str, vendor: str,
          first: str, last: str, signed: dict[tuple[str, int], SignOff] | None = None) -> Report:
    """`signed`: the sign-offs by (subject, key) — a sign-off counts only for the exact
    record it was given on (the same SHA-256)."""
    signed = signed or {}
    mine = {(r.subject, r.key): s for r in records
            if (s := signed.get((r.subject, r.key))) is not None and s.sha256 == digest(r)}
    register = Table("记录单清单", ["编号", "类别", "系统", "完成时间", "服务工程师", "内容", "甲方签收"],
                     [[r.number, r.kind, r.system, minute_text(r.completed_at), r.engineer or "—", r.content,
                       _state(mine.get((r.subject, r.key)))] for r in records], [12, 10, 14, 16, 11, 34, 10])
    return Report(
        kind="records", title=f"{project}{TITLE}",
        facts=[("项目名称", project), ("客户单位", client), ("服务单位", vendor),
               ("统计区间", f"{first} 至 {last}"), ("记录单份数", str(len(records))),
               ("生成时间", minute_text(datetime.now(SHANGHAI)))],
        sections=[Section("记录单清单", tables=[register]),
                  *(form(r, client, mine.get((r.subject, r.key))) for r in records)],
        numbers={"records": len(records), "signed": sum(s.decision == "accepted" for s in mine.values()),
                 "tickets": sum(not r.number.startswith("W") for r in records),
                 "worklog": sum(r.number.startswith("W") for r in records)})
