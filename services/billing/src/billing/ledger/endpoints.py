"""The damages ledger over HTTP: record what a person saw, read the ledger, decide
entries, and ask what given events would cost without writing anything."""

from datetime import UTC, datetime
from decimal import Decimal
from typing import Literal

from fastapi import APIRouter, Depends, Path, Query
from opspact import outbox
from opspact.app import SESSION, current_principal
from opspact.auth import Principal
from opspact.errors import Unprocessable
from opspact.events import new_event
from opspact.permissions import require
from sqlalchemy.ext.asyncio import AsyncSession

from billing.damages import VIOLATION, Entry, assess, matches
from billing.ledger import service
from billing.models import LedgerEntry
from billing.schemas import (
    Amount,
    AssessmentIn,
    Decision,
    LedgerEntryOut,
    LedgerPage,
    RecordedOut,
    SimulatedEntry,
    SimulationIn,
    SimulationOut,
    ViolationIn,
    Waiver,
)
from billing.tables import shared

router = APIRouter(tags=["damages"])
ASSESSMENT = "billing.assessment.recorded.v1"
Key = Path(min_length=1, max_length=200, pattern=r"^[A-Za-z0-9:._-]+$")


def entry_out(row: LedgerEntry | Entry, state: str | None = None) -> dict:
    return dict(key=row.key, rule=row.rule, clause=row.clause, event_ids=row.event_ids,
                occurred_at=row.occurred_at, computation=row.computation,
                amount=Amount.of(row.amount), counted_amount=Amount.of(row.counted_amount),
                days=row.days, accruing=row.accruing, termination_right=row.termination_right,
                state=state or row.state,
                **({} if isinstance(row, Entry) else {
                    "decided_by": row.decided_by, "decided_at": row.decided_at,
                    "reason": row.reason, "deducted_from": row.deducted_from,
                    "deducted_at": row.deducted_at, "deducted_by": row.deducted_by}))


async def _record(session: AsyncSession, tenant_id: str, event_type: str, data: dict,
                  when: datetime) -> RecordedOut:
    event = new_event("billing", *event_type.split(".")[1:3], tenant_id, data.get("rule", "assessment"),
                      data)
    await service.add_input(session, tenant_id, event.id, event_type, when, data)
    await outbox.add(session, shared.outbox, event)
    result = await service.reassess(session, tenant_id)
    return RecordedOut(event_id=event.id, type=event_type, ledger=[
        LedgerEntryOut(**entry_out(e, "proposed")) for e in result.entries
        if event.id in e.event_ids])


@router.post("/violations", status_code=201, response_model=RecordedOut)
async def record_violation(body: ViolationIn, principal: Principal = Depends(current_principal),
                           session: AsyncSession = SESSION) -> RecordedOut:
    """A breach a person saw, under one of the contract's rules (by code); the answer
    shows the ledger entries it produced."""
    require(principal, "billing.record")
    c = await service.contract(session, principal.tenant)
    rule = next((r for r in c.terms.damages.rules if r.code == body.rule), None)
    if rule is None or VIOLATION not in rule.events:
        recordable = [r.code for r in c.terms.damages.rules if VIOLATION in r.events]
        raise Unprocessable(f"rule {body.rule!r} is not one a person records for this contract; "
                            f"recordable: {', '.join(recordable) or '(none)'}",
                            errors=[{"field": "body.rule", "message": "unknown rule"}])
    if rule.kind == "per_day" and body.days_late is None and body.due_at is None:
        raise Unprocessable(f"rule {rule.code} counts days late: give due_at (and done_at "
                            "once done) or days_late")
    if body.serious and not (rule.escalation and rule.escalation.serious_too):
        raise Unprocessable(f"rule {rule.code}'s clause sets no consequence for a serious breach",
                            errors=[{"field": "body.serious", "message": "not for this rule"}])
    if rule.of == "part" and body.part_value is None:
        raise Unprocessable(f"rule {rule.code} counts on the late part's value: give part_value",
                            errors=[{"field": "body.part_value", "message": "required"}])
    data = body.model_dump(mode="json", exclude_none=True)
    return await _record(session, principal.tenant, VIOLATION,
                         {**data, "recorded_by": principal.subject}, body.occurred_at)


@router.post("/assessments", status_code=201, response_model=RecordedOut)
async def record_assessment(body: AssessmentIn, principal: Principal = Depends(current_principal),
                            session: AsyncSession = SESSION) -> RecordedOut:
    """One assessment period passed or failed (consecutive failures may cost damages)."""
    require(principal, "billing.record")
    await service.contract(session, principal.tenant)
    data = body.model_dump(mode="json", exclude_none=True)
    return await _record(session, principal.tenant, ASSESSMENT,
                         {**data, "recorded_by": principal.subject}, body.occurred_at)


@router.get("/ledger", response_model=LedgerPage)
async def list_ledger(state: Literal["proposed", "confirmed", "waived", "deducted"] | None = None,
                      rule: str | None = Query(default=None, max_length=48),
                      limit: int = Query(50, ge=1, le=200), offset: int = Query(0, ge=0, le=1_000_000),
                      principal: Principal = Depends(current_principal),
                      session: AsyncSession = SESSION) -> LedgerPage:
    require(principal, "billing.read")
    rows, total, sums = await service.page(session, principal.tenant, state, rule, limit, offset)
    return LedgerPage(items=[LedgerEntryOut(**entry_out(r)) for r in rows], total=total,
                      limit=limit, offset=offset,
                      totals={s: Amount.of(v) for s, v in sorted(sums.items())})


async def _decide(session: AsyncSession, principal: Principal, key: str, state: str,
                  reason: str | None) -> LedgerEntryOut:
    require(principal, "billing.decide")
    row = await service.decide(session, principal.tenant, key, state, reason, principal.subject)
    return LedgerEntryOut(**entry_out(row))


@router.post("/ledger/{key}/confirm", response_model=LedgerEntryOut,
             responses={409: {"description": "already decided, or still accruing"}})
async def confirm_entry(body: Decision, key: str = Key,
                        principal: Principal = Depends(current_principal),
                        session: AsyncSession = SESSION) -> LedgerEntryOut:
    return await _decide(session, principal, key, "confirmed", body.reason)


@router.post("/ledger/{key}/waive", response_model=LedgerEntryOut,
             responses={409: {"description": "already decided"}})
async def waive_entry(body: Waiver, key: str = Key,
                      principal: Principal = Depends(current_principal),
                      session: AsyncSession = SESSION) -> LedgerEntryOut:
    """Waived entries stop counting (towards later occurrences and the cap too)."""
    return await _decide(session, principal, key, "waived", body.reason)


@router.post("/simulate", response_model=SimulationOut)
async def simulate(body: SimulationIn, principal: Principal = Depends(current_principal),
                   session: AsyncSession = SESSION) -> SimulationOut:
    """What would these events cost? Nothing is written."""
    require(principal, "billing.read")
    c = await service.contract(session, principal.tenant)
    recorded = await service.recorded_events(session, principal.tenant, c) if body.with_recorded else []
    given = [{**e.model_dump(mode="json"), "id": f"sim:{e.id}"} for e in body.events]
    # every waiver counts, not a page of them
    waived = await service.waived_keys(session, principal.tenant) if body.with_recorded else set()
    frozen = await service.frozen_amounts(session, principal.tenant) if body.with_recorded else {}
    as_of = body.as_of or datetime.now(UTC)
    before = assess(c.terms, c.value, recorded, c.term_start, waived, as_of, frozen)
    after = assess(c.terms, c.value, recorded + given, c.term_start, waived, as_of, frozen)
    simulated = {e["id"] for e in given}
    counted = {i for e in after.entries for i in e.event_ids}
    return SimulationOut(
        entries=[SimulatedEntry(**entry_out(e, "simulated"), new=bool(simulated & set(e.event_ids)),
                                running_total=Amount.of(e.running_total), cap_reached=e.cap_reached)
                 for e in after.entries],
        total=Amount.of(after.total), added_by_simulation=Amount.of(max(after.total - before.total,
                                                                        Decimal(0))),
        cap=Amount.of(after.cap) if after.cap is not None else None, cap_reached=after.cap_reached,
        termination_rights=[f"{e.rule}: {e.termination_right}" for e in after.termination_rights],
        ignored_events=[e["id"].removeprefix("sim:") for e in given
                        if e["id"] not in counted
                        and not any(matches(r, e) for r in c.terms.damages.rules)])
