"""Change rules: submitted under the tenant's approval chain, decided step by step
in order by the people each step names, never by the person who submitted it,
never two steps by one person; started only when approved and within its window.
Each decision is kept on the change and announced; the gateway's audit chain holds
the request that made it."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

from opspact import outbox
from opspact.auth import Principal
from opspact.calendar import SHANGHAI
from opspact.errors import Conflict, Forbidden, NotFound, Unprocessable
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import flag_modified

from ticketing.changes.events import event
from ticketing.changes.models import Change
from ticketing.changes.schemas import CancelIn, ChangeCreate, DecisionIn, ResultIn
from ticketing.idempotency import request_hash, scoped
from ticketing.numbering import next_number
from ticketing.tables import shared
from ticketing.tickets.service import settings_of

CANCELLERS = {"vendor_manager", "client_admin", "platform_admin"}


def _local(instant: datetime) -> str:
    return instant.astimezone(SHANGHAI).isoformat(timespec="minutes")


async def _by_key(session: AsyncSession, tenant_id: str, key: str) -> Change | None:
    return (await session.execute(select(Change).where(
        Change.tenant_id == tenant_id, Change.idempotency_key == key))).scalar_one_or_none()


def _same_request(earlier: Change, digest: str) -> Change:
    # request_hash is None for changes submitted before it was recorded: taken as the same
    if earlier.request_hash not in (None, digest):
        raise Conflict("Idempotency-Key was already used with a different request")
    return earlier


async def submit(session: AsyncSession, tenant_id: str, body: ChangeCreate, actor: str,
                 idempotency_key: str | None = None) -> tuple[Change, bool]:
    """(change, fresh); the same Idempotency-Key answers with the change it made."""
    settings = await settings_of(session, tenant_id)
    systems = {s.code for s in settings.systems}
    if body.system not in systems:
        raise Unprocessable(f"unknown system {body.system!r} for tenant {tenant_id}; known: "
                            f"{', '.join(sorted(systems))}",
                            errors=[{"field": "body.system", "message": "unknown system"}])
    digest = request_hash(body)
    idempotency_key = scoped(actor, idempotency_key)
    if idempotency_key and (earlier := await _by_key(session, tenant_id, idempotency_key)):
        return _same_request(earlier, digest), False
    change = Change(
        tenant_id=tenant_id, number=await next_number(session, tenant_id, "C", datetime.now(UTC)),
        kind=body.kind.value, risk=body.risk.value, system_code=body.system,
        title=body.title, description=body.description, plan=body.plan,
        rollback_plan=body.rollback_plan, window_start=body.window_start, window_end=body.window_end,
        status="submitted", chain=[s.model_dump() for s in settings.changes.approval_chain],
        decisions=[], next_step=0, submitted_by=actor, idempotency_key=idempotency_key,
        request_hash=digest)
    try:
        async with session.begin_nested():
            session.add(change)
            await session.flush()
    except IntegrityError:  # a concurrent request with the same key won
        return _same_request(await _by_key(session, tenant_id, idempotency_key), digest), False
    await outbox.add(session, shared.outbox, event(change, "submitted"))
    return change, True


async def get(session: AsyncSession, tenant_id: str, change_id: UUID, for_update: bool = False) -> Change:
    query = select(Change).where(Change.tenant_id == tenant_id, Change.id == change_id)
    change = (await session.execute(query.with_for_update() if for_update else query)).scalar_one_or_none()
    if change is None:
        raise NotFound(f"change {change_id} not found")
    return change


async def page(session: AsyncSession, tenant_id: str, filters: dict, limit: int,
               offset: int) -> tuple[list[Change], int]:
    conditions = [Change.tenant_id == tenant_id]
    for column, value in filters.items():
        if value is not None:
            conditions.append(getattr(Change, column) == value)
    total = (await session.execute(select(func.count()).select_from(Change).where(*conditions))).scalar_one()
    rows = await session.execute(select(Change).where(*conditions)
                                 .order_by(Change.seq.desc()).limit(limit).offset(offset))
    return list(rows.scalars()), total


def _may_decide(step: dict, principal: Principal) -> bool:
    if not set(step["roles"]) & set(principal.roles):
        return False
    return not step["approvers"] or principal.subject in step["approvers"]


def _check_decider(change: Change, principal: Principal) -> dict:
    if change.status != "submitted":
        raise Conflict(f"change {change.number} is {change.status}: there is nothing to decide")
    if principal.subject == change.submitted_by:
        raise Forbidden(f"{principal.subject} submitted change {change.number}: someone else decides it")
    if any(d["by"] == principal.subject for d in change.decisions):
        raise Forbidden(f"{principal.subject} already decided a step of change {change.number}: "
                        "each step needs a different person")
    step = change.chain[change.next_step]
    if _may_decide(step, principal):
        return step
    later = [s for s in change.chain[change.next_step + 1:] if _may_decide(s, principal)]
    if later:
        raise Conflict(f"change {change.number} waits for {step['name']} first; "
                       f"{later[0]['name']} decides after that")
    raise Forbidden(f"step {step['name']} of change {change.number} is decided by "
                    + (", ".join(step["approvers"]) if step["approvers"]
                       else "a holder of " + " or ".join(step["roles"])))


async def decide(session: AsyncSession, tenant_id: str, change_id: UUID, body: DecisionIn,
                 principal: Principal) -> Change:
    change = await get(session, tenant_id, change_id, for_update=True)
    step = _check_decider(change, principal)
    now = datetime.now(UTC)
    change.decisions = [*change.decisions, {
        "step": step["code"], "name": step["name"], "decision": body.decision.value,
        "by": principal.subject, "at": now.isoformat(), "reason": body.reason}]
    flag_modified(change, "decisions")
    change.updated_at = now
    if body.decision.value == "reject":
        change.status = "rejected"
        await outbox.add(session, shared.outbox, event(change, "rejected", step=step["code"],
                                                       by=principal.subject, reason=body.reason))
    else:
        change.next_step += 1
        final = change.next_step == len(change.chain)
        if final:
            change.status = "approved"
        await outbox.add(session, shared.outbox, event(change, "approved", step=step["code"],
                                                       by=principal.subject, final=final))
    await session.flush()
    return change


async def start(session: AsyncSession, tenant_id: str, change_id: UUID, actor: str,
                now: datetime | None = None) -> Change:
    now = now or datetime.now(UTC)
    change = await get(session, tenant_id, change_id, for_update=True)
    if change.status != "approved":
        raise Conflict(f"change {change.number} is {change.status}: only an approved change starts")
    if not change.window_start <= now <= change.window_end:
        raise Conflict(f"change {change.number} may start only within its window "
                       f"{_local(change.window_start)} – {_local(change.window_end)}")
    change.status, change.started_at, change.implemented_by, change.updated_at = (
        "in_progress", now, actor, now)
    await outbox.add(session, shared.outbox, event(change, "started", by=actor))
    await session.flush()
    return change


async def finish(session: AsyncSession, tenant_id: str, change_id: UUID, body: ResultIn,
                 actor: str) -> Change:
    change = await get(session, tenant_id, change_id, for_update=True)
    if change.status != "in_progress":
        raise Conflict(f"change {change.number} is {change.status}: a result is recorded for a "
                       "change in progress")
    now = datetime.now(UTC)
    change.status, change.finished_at, change.result_note, change.updated_at = (
        body.outcome.value, now, body.note, now)
    await outbox.add(session, shared.outbox, event(change, "implemented", outcome=body.outcome.value,
                                                   by=actor, note=body.note))
    await session.flush()
    return change


async def cancel(session: AsyncSession, tenant_id: str, change_id: UUID, body: CancelIn,
                 principal: Principal) -> Change:
    change = await get(session, tenant_id, change_id, for_update=True)
    if change.status not in ("submitted", "approved"):
        raise Conflict(f"change {change.number} is {change.status}: it can no longer be cancelled")
    if principal.subject != change.submitted_by and not CANCELLERS & set(principal.roles):
        raise Forbidden("a change is cancelled by whoever submitted it or by a manager")
    now = datetime.now(UTC)
    change.status, change.result_note, change.updated_at = "cancelled", body.reason, now
    await outbox.add(session, shared.outbox, event(change, "cancelled", by=principal.subject,
                                                   reason=body.reason))
    await session.flush()
    return change
