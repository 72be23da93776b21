"""Inspection rules: the ledger of planned, recorded and missed rounds, recording a
round against its checklist, evidence, and an incident opened from an anomaly.

Rounds are planned only inside the contract's term (a term whose dates wait on an
acceptance plans none yet). A round recorded after the watch announced it missed
counts as done when it was recorded, not when the form says it ended: otherwise a
back-dated form would erase a miss already announced (and its damages) — if the
round really was done on time, the client waives the entry in billing, with a reason.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from opspact import outbox
from opspact.calendar import SHANGHAI, CalendarMissing, WorkdayCalendar
from opspact.errors import Conflict, NotFound, PayloadTooLarge, Unprocessable
from opspact.tenancy.registry import load_tenant
from sqlalchemy.ext.asyncio import AsyncSession
from ticketing.inspections import events, plan, repository
from ticketing.inspections.models import InspectionEvidence, InspectionRound
from ticketing.inspections.schemas import RoundRecord, RoundState
from ticketing.inspections.settings import InspectionSettings
from ticketing.scope.handlers import active_assets
from ticketing.tables import shared
from ticketing.tenant_settings import TicketingTenantSettings

FUTURE_SKEW = timedelta(minutes=5)  # clocks of phones and servers disagree a little
# What evidence may be: the type the client says, confirmed by the file's first bytes.
EVIDENCE_TYPES = {"image/png": b"\x89PNG\r\n\x1a\n", "image/jpeg": b"\xff\xd8\xff",
                  "application/pdf": b"%PDF-"}


@dataclass
class Context:
    tenant_id: str
    settings: TicketingTenantSettings
    calendar: WorkdayCalendar
    term_start: datetime | None
    term_end: datetime | None
    assets: list[tuple[str, str, str]]  # (code, kind, name) of the kinds checklists walk

    @property
    def inspections(self) -> InspectionSettings:
        return self.settings.inspections

    @property
    def grace(self) -> timedelta:
        return timedelta(minutes=self.inspections.grace_minutes)

    def names(self) -> dict[str, str]:
        return {s.code: s.name for s in self.settings.systems}

    def checklist(self, schedule) -> list[plan.Item]:
        return plan.checklist(self.inspections, schedule, self.names(), self.assets)

    def schedule_name(self, code: str) -> str:
        schedule = self.inspections.schedule(code)
        return schedule.name if schedule else code

    def in_term(self, instant: datetime) -> bool:
        return (self.term_start is not None and self.term_start <= instant
                and (self.term_end is None or instant < self.term_end))

    def rounds(self, start: datetime, end: datetime, schedule: str | None = None) -> list[plan.PlannedRound]:
        """Planned rounds in [start, end) ∩ the term; a year the calendar lacks is a 422."""
        if self.term_start is None:
            return []
        start = max(start, self.term_start)
        end = min(end, self.term_end) if self.term_end else end
        if start >= end:
            return []
        try:
            return list(plan.rounds(self.inspections, self.calendar, start, end, schedule))
        except CalendarMissing as missing:
            raise Unprocessable(str(missing)) from None
        except ValueError as exc:
            raise Unprocessable(str(exc)) from None

    def planned(self, key: str) -> plan.PlannedRound:
        parsed = plan.parse_key(key)
        if parsed is not None and self.in_term(parsed[1]):
            try:
                found = plan.planned(self.inspections, self.calendar, key)
            except CalendarMissing as missing:
                raise Unprocessable(str(missing)) from None
            if found is not None:
                return found
        raise NotFound(f"no inspection round {key}: no schedule of {self.tenant_id} "
                       "plans a round at that time within the contract's term")


def _midnight(day: str | None, after: bool = False) -> datetime | None:
    if not day:
        return None
    return datetime.combine(date.fromisoformat(day) + timedelta(days=int(after)), time(), SHANGHAI)


async def context(session: AsyncSession, tenant_id: str) -> Context:
    config = await load_tenant(session, shared.tenants, tenant_id)
    settings = TicketingTenantSettings.model_validate(config["settings"])
    term = config.get("contract", {}).get("term", {})
    kinds = settings.inspections.asset_kinds()
    assets = ([(a.code, a.kind, a.name) for a in await active_assets(session, tenant_id, kinds)]
              if kinds else [])
    return Context(tenant_id, settings, WorkdayCalendar(settings.calendar),
                   _midnight(term.get("start")), _midnight(term.get("end"), after=True), assets)


def state_of(row: InspectionRound | None, deadline: datetime, now: datetime) -> RoundState:
    if row is not None and row.recorded_at is not None:
        late = row.missed_at is not None or row.ended_at > row.deadline
        return RoundState.made_up if late else RoundState.recorded
    return RoundState.missed if deadline <= now else RoundState.upcoming


def _check_items(ctx: Context, planned: plan.PlannedRound, body: RoundRecord) -> list[dict]:
    items = ctx.checklist(planned.schedule)
    expected = {i.key: i for i in items}
    given = [r.item for r in body.items]
    problems = []
    unknown = [k for k in given if k not in expected]
    if unknown:
        problems.append(f"unknown checklist items {unknown}")
    repeated = sorted({k for k in given if given.count(k) > 1})
    if repeated:
        problems.append(f"items given twice {repeated}")
    missing = [k for k in expected if k not in given]
    if missing:
        problems.append(f"checklist items without a result {missing}")
    if problems:
        raise Unprocessable(f"round {planned.key}: " + "; ".join(problems),
                            errors=[{"field": "body.items", "message": p} for p in problems])
    results = {r.item: r for r in body.items}
    return [{"item": i.key, "name": i.name, "status": results[i.key].status.value,
             "note": results[i.key].note, "ticket_id": None} for i in items]


def _check_times(ctx: Context, planned: plan.PlannedRound, body: RoundRecord, now: datetime) -> None:
    opens = planned.due_at - timedelta(minutes=ctx.inspections.opens_minutes_before)
    if now < opens:
        raise Conflict(f"round {planned.key} opens for recording at "
                       f"{opens.astimezone(SHANGHAI).isoformat(timespec='minutes')}")
    if body.ended_at > now + FUTURE_SKEW:
        raise Unprocessable("ended_at is in the future",
                            errors=[{"field": "body.ended_at", "message": "in the future"}])
    if body.started_at < opens:
        raise Unprocessable(f"started_at is before round {planned.key} opens "
                            f"({opens.astimezone(SHANGHAI).isoformat(timespec='minutes')})",
                            errors=[{"field": "body.started_at", "message": "before the round opens"}])


def _same_record(row: InspectionRound, body: RoundRecord, results: list[dict]) -> bool:
    return (row.inspector == body.inspector and row.started_at == body.started_at
            and row.ended_at == body.ended_at
            and [(r["item"], r["status"], r["note"]) for r in row.results]
            == [(r["item"], r["status"], r["note"]) for r in results])


async def record(session: AsyncSession, tenant_id: str, key: str, body: RoundRecord, actor: str,
                 now: datetime | None = None) -> tuple[InspectionRound, Context, bool]:
    """(row, context, fresh). The same record sent again is answered as it was (fresh
    False); a different one for a recorded round is a conflict."""
    now = now or datetime.now(UTC)
    ctx = await context(session, tenant_id)
    planned = ctx.planned(key)
    results = _check_items(ctx, planned, body)
    _check_times(ctx, planned, body, now)
    code = planned.schedule.code
    await repository.claim(session, {"tenant_id": tenant_id, "schedule": code,
                                     "due_at": planned.due_at, "deadline": planned.due_at + ctx.grace,
                                     "heightened": planned.heightened})
    row = await repository.one(session, tenant_id, code, planned.due_at, for_update=True)
    if row.recorded_at is not None:
        if _same_record(row, body, results):
            return row, ctx, False
        raise Conflict(f"round {key} was already recorded by {row.recorded_by} at "
                       f"{row.recorded_at.astimezone(SHANGHAI).isoformat(timespec='minutes')}")
    row.inspector, row.started_at, row.recorded_by, row.recorded_at = (
        body.inspector, body.started_at, actor, now)
    row.results = results
    row.anomalies = sum(r["status"] == "anomaly" for r in results)
    name = ctx.schedule_name(code)
    if row.missed_at is not None:
        row.ended_at = max(body.ended_at, now)
        await outbox.add(session, shared.outbox, events.made_up(row, name))
    elif body.ended_at > row.deadline:
        # Late, but recorded before the watch looked: announce the miss now, then its
        # making up, so billing counts the days exactly as if the watch had seen it.
        row.ended_at, row.missed_at = body.ended_at, now
        await outbox.add(session, shared.outbox, events.missed(row, name))
        await outbox.add(session, shared.outbox, events.made_up(row, name))
    else:
        row.ended_at = body.ended_at
        await outbox.add(session, shared.outbox, events.recorded(row, name))
    await session.flush()
    return row, ctx, True


async def announce_missed(session: AsyncSession, tenant_id: str, now: datetime,
                          lookback: timedelta) -> int:
    """Claim every round whose deadline passed within `lookback` and has no row yet,
    and announce it missed. The row's unique key makes two watches announce it once."""
    ctx = await context(session, tenant_id)
    if not ctx.inspections.schedules:
        return 0
    announced = 0
    for planned in ctx.rounds(now - lookback - ctx.grace, now - ctx.grace):
        new = await repository.claim(session, {
            "tenant_id": tenant_id, "schedule": planned.schedule.code, "due_at": planned.due_at,
            "deadline": planned.due_at + ctx.grace, "heightened": planned.heightened,
            "missed_at": now})
        if new is None:
            continue
        row = await repository.one(session, tenant_id, planned.schedule.code, planned.due_at)
        await outbox.add(session, shared.outbox, events.missed(row, ctx.schedule_name(row.schedule)))
        announced += 1
    await session.flush()
    return announced


async def recorded_round(session: AsyncSession, tenant_id: str, key: str,
                         for_update: bool = False) -> tuple[InspectionRound, Context]:
    ctx = await context(session, tenant_id)
    planned = ctx.planned(key)
    row = await repository.one(session, tenant_id, planned.schedule.code, planned.due_at, for_update)
    if row is None or row.recorded_at is None:
        raise Conflict(f"round {key} is not recorded yet: record it first")
    return row, ctx


def item_of(row: InspectionRound, key: str, item: str) -> dict:
    found = next((r for r in row.results if r["item"] == item), None)
    if found is None:
        raise NotFound(f"round {key} has no checklist item {item}")
    return found


async def attach(session: AsyncSession, tenant_id: str, key: str, item: str, content: bytes,
                 content_type: str, filename: str | None, actor: str,
                 max_bytes: int) -> InspectionEvidence:
    if len(content) > max_bytes:
        raise PayloadTooLarge(f"evidence is {len(content)} bytes; the limit is {max_bytes}")
    magic = EVIDENCE_TYPES.get(content_type)
    if magic is None:
        raise Unprocessable(f"evidence must be one of {sorted(EVIDENCE_TYPES)}, not {content_type!r}")
    if not content.startswith(magic):
        raise Unprocessable(f"the file is not a {content_type} (its first bytes say otherwise)")
    row, _ = await recorded_round(session, tenant_id, key)
    item_of(row, key, item)
    return await repository.add_evidence(session, InspectionEvidence(
        tenant_id=tenant_id, round_id=row.id, item=item, filename=filename,
        content_type=content_type, size=len(content),
        sha256=hashlib.sha256(content).hexdigest(), content=content, uploaded_by=actor))
