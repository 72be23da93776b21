"""The ledger kept in step with its inputs.

Every event a damages rule may count is stored (`damage_inputs`, idempotent by event
id); after each new input or decision the tenant's ledger is re-assessed from all of
them (`billing.damages.assess`) under a per-tenant transaction lock. New entries are
`proposed` (event `billing.penalty.proposed.v1`); a proposed entry follows its
re-assessment (an inspection still late grows by the day); a `confirmed` or
`deducted` entry is frozen — a person signed it off; a `waived` one no longer counts.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from opspact import outbox
from opspact.db.locks import xact_lock
from opspact.errors import Conflict, NotFound
from opspact.events import CloudEvent, new_event
from opspact.tenancy.registry import load_tenant
from opspact.types import instant_of
from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from billing.damages import Assessment, Entry, assess
from billing.deadlines import deadline_events
from billing.models import ContractDate, DamageInput, LedgerEntry
from billing.tables import shared
from billing.terms import BillingTerms

# Events from other services the rules of the five contracts count.
CONSUMED = ("ticketing.sla.breached.v1", "ticketing.sla.stopped_late.v1",
            "inventory.staff.replaced.v1", "ticketing.inspection.missed.v1",
            "ticketing.inspection.made_up.v1")
FROZEN = ("confirmed", "deducted")


class Contract:
    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        self.terms = BillingTerms.model_validate(document["settings"])
        self.value = Decimal(document["contract"]["value"])
        start = document["contract"].get("term", {}).get("start")
        self.term_start = date.fromisoformat(start) if start else None


async def contract(session: AsyncSession, tenant_id: str) -> Contract:
    return Contract(await load_tenant(session, shared.tenants, tenant_id))


def occurred_at(event_type: str, data: dict[str, Any], default: datetime) -> datetime:
    """When it happened, not when it was announced: a breach at its due instant, a round
    missed (or made up late) at its deadline — a round of last year recorded today is
    last year's late work, in last year's statement."""
    names = ("breached_at", "occurred_at", "at")
    if event_type.startswith("ticketing.inspection."):
        names = ("due_at", *names)
    for name in names:
        if data.get(name):
            return instant_of(data[name])
    return default


async def add_input(session: AsyncSession, tenant_id: str, event_id: str, event_type: str,
                    when: datetime, data: dict[str, Any]) -> bool:
    """Store an input once; False when it was already there."""
    fresh = await session.execute(pg_insert(DamageInput).values(
        tenant_id=tenant_id, event_id=event_id, type=event_type, occurred_at=when, data=data)
        .on_conflict_do_nothing().returning(DamageInput.event_id))
    return fresh.first() is not None


async def on_event(session: AsyncSession, event: CloudEvent) -> None:
    """Inbox handler for the consumed event types."""
    if await add_input(session, event.tenantid, event.id, event.type,
                       occurred_at(event.type, event.data, event.time), event.data):
        await reassess(session, event.tenantid)


HANDLERS = {event_type: on_event for event_type in CONSUMED}


def as_event(row: DamageInput) -> dict[str, Any]:
    return {"id": row.event_id, "type": row.type, "time": row.occurred_at.isoformat(),
            "data": row.data}


async def recorded_dates(session: AsyncSession, tenant_id: str) -> dict[str, date]:
    """Acceptance, delivery, budget approval: as recorded when they happened."""
    rows = (await session.execute(select(ContractDate).where(
        ContractDate.tenant_id == tenant_id))).scalars()
    return {r.kind: r.on for r in rows}


async def recorded_events(session: AsyncSession, tenant_id: str,
                          c: Contract | None = None) -> list[dict[str, Any]]:
    """Every stored input, and what the contract's deadlines derive from the dates."""
    rows = (await session.execute(select(DamageInput).where(
        DamageInput.tenant_id == tenant_id))).scalars()
    c = c or await contract(session, tenant_id)
    derived = deadline_events(c.terms, c.document, await recorded_dates(session, tenant_id))
    return [as_event(r) for r in rows] + derived


async def _lock(session: AsyncSession, tenant_id: str) -> None:
    # One re-assessment per tenant at a time (consumer replicas, API calls).
    await xact_lock(session, f"billing-ledger:{tenant_id}")


def penalty_event(tenant_id: str, action: str, row: LedgerEntry, extra: dict | None = None):
    return new_event("billing", "penalty", action, tenant_id, row.key, {
        "key": row.key, "rule": row.rule, "clause": row.clause, "amount": str(row.amount),
        "counted_amount": str(row.counted_amount), "computation": row.computation,
        "event_ids": row.event_ids, "state": row.state, **(extra or {})})


def _fields(entry: Entry) -> dict[str, Any]:
    return {"rule": entry.rule, "clause": entry.clause, "event_ids": entry.event_ids,
            "occurred_at": entry.occurred_at, "computation": entry.computation,
            "amount": entry.amount, "counted_amount": entry.counted_amount, "days": entry.days,
            "accruing": entry.accruing, "termination_right": entry.termination_right}


async def frozen_amounts(session: AsyncSession, tenant_id: str) -> dict[str, Decimal]:
    """The entries a person signed off, with what they counted then."""
    rows = await session.execute(select(LedgerEntry.key, LedgerEntry.counted_amount).where(
        LedgerEntry.tenant_id == tenant_id, LedgerEntry.state.in_(FROZEN)))
    return {key: amount for key, amount in rows}


async def waived_keys(session: AsyncSession, tenant_id: str) -> set[str]:
    return set((await session.execute(select(LedgerEntry.key).where(
        LedgerEntry.tenant_id == tenant_id, LedgerEntry.state == "waived"))).scalars())


async def reassess(session: AsyncSession, tenant_id: str,
                   as_of: datetime | None = None) -> Assessment:
    await _lock(session, tenant_id)
    terms = await contract(session, tenant_id)
    existing = {r.key: r for r in (await session.execute(select(LedgerEntry).where(
        LedgerEntry.tenant_id == tenant_id))).scalars()}
    waived = {k for k, r in existing.items() if r.state == "waived"}
    counted_before = sum((r.counted_amount for r in existing.values() if r.state != "waived"),
                         Decimal(0))
    frozen = {k: r.counted_amount for k, r in existing.items() if r.state in FROZEN}
    result = assess(terms.terms, terms.value, await recorded_events(session, tenant_id, terms),
                    terms.term_start, waived, as_of or datetime.now(UTC), frozen)
    for entry in result.entries:
        row = existing.get(entry.key)
        if row is None and entry.amount == 0 and not entry.termination_right:
            continue  # nothing owed: no entry to propose (yet)
        if row is None:
            row = LedgerEntry(tenant_id=tenant_id, key=entry.key, state="proposed", **_fields(entry))
            session.add(row)
            await session.flush()
            await outbox.add(session, shared.outbox, penalty_event(tenant_id, "proposed", row))
            if entry.termination_right:
                await _termination(session, tenant_id, row)
        elif row.state == "proposed":
            had_right = row.termination_right
            for name, value in _fields(entry).items():
                setattr(row, name, value)
            row.updated_at = func.now()
            if entry.termination_right and not had_right:
                await _termination(session, tenant_id, row)
    if result.cap is not None and result.cap_reached and counted_before < result.cap:
        await outbox.add(session, shared.outbox, new_event(
            "billing", "cap", "reached", tenant_id, tenant_id, {
                "cap": str(result.cap), "total": str(result.total),
                "clause": terms.terms.damages.cap.clause}))
    await session.flush()
    return result


async def _termination(session: AsyncSession, tenant_id: str, row: LedgerEntry) -> None:
    await outbox.add(session, shared.outbox, new_event(
        "billing", "termination_right", "raised", tenant_id, row.key, {
            "key": row.key, "rule": row.rule, "clause": row.clause,
            "reason": row.termination_right, "event_ids": row.event_ids}))


async def decide(session: AsyncSession, tenant_id: str, key: str, state: str, reason: str | None,
                 who: str) -> LedgerEntry:
    await _lock(session, tenant_id)
    row = await session.get(LedgerEntry, (tenant_id, key), with_for_update=True)
    if row is None:
        raise NotFound(f"ledger entry {key!r} not found")
    if row.state != "proposed":
        raise Conflict(f"ledger entry {key!r} is already {row.state}")
    if state == "confirmed" and row.accruing:
        raise Conflict(f"ledger entry {key!r} is still accruing (the late item is not done); "
                       "confirm it once it is")
    row.state, row.reason, row.decided_by, row.decided_at = state, reason, who, func.now()
    row.updated_at = func.now()
    await session.flush()
    await session.refresh(row)
    await outbox.add(session, shared.outbox, penalty_event(tenant_id, state, row))
    if state == "waived":  # later occurrences may count differently now
        await reassess(session, tenant_id)
        await session.refresh(row)
    return row


async def page(session: AsyncSession, tenant_id: str, state: str | None, rule: str | None,
               limit: int, offset: int) -> tuple[list[LedgerEntry], int, dict[str, Decimal]]:
    conditions = [LedgerEntry.tenant_id == tenant_id]
    if state:
        conditions.append(LedgerEntry.state == state)
    if rule:
        conditions.append(LedgerEntry.rule == rule)
    total = (await session.execute(select(func.count()).select_from(LedgerEntry)
                                   .where(*conditions))).scalar_one()
    rows = (await session.execute(select(LedgerEntry).where(*conditions)
                                  .order_by(LedgerEntry.occurred_at, LedgerEntry.key)
                                  .limit(limit).offset(offset))).scalars()
    sums = dict((await session.execute(
        select(LedgerEntry.state, func.coalesce(func.sum(LedgerEntry.counted_amount), 0))
        .where(LedgerEntry.tenant_id == tenant_id).group_by(LedgerEntry.state))).all())
    return list(rows), total, {s: Decimal(v) for s, v in sums.items()}
