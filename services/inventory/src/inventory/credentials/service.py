"""Register rules: one entry per account on an asset of the tenant, holders are the
vendor's active staff, the rotation falls due `rotation_interval_days` after the last
one (at once when nobody knows when that was), retire instead of delete. The overdue
announcement is the watch's job (inventory.watch)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from opspact import outbox
from opspact.db.unique import add_unique
from opspact.errors import Conflict, NotFound, Unprocessable
from opspact.events import new_event
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from inventory.assets import service as assets
from inventory.credentials.models import Credential, Rotation
from inventory.credentials.schemas import (
    CredentialCreate,
    CredentialOut,
    CredentialUpdate,
    Custodian,
    RotationCreate,
    RotationOut,
)
from inventory.people.models import Staff
from inventory.tables import shared

# A rotation recorded a little ahead of the server clock is fine; a week ahead is a typo.
FUTURE_TOLERANCE = timedelta(minutes=5)


def due_after(last_rotated_at: datetime | None, interval_days: int, registered_at: datetime) -> datetime:
    return registered_at if last_rotated_at is None else last_rotated_at + timedelta(days=interval_days)


def out(c: Credential, now: datetime | None = None) -> CredentialOut:
    now = now or datetime.now(UTC)
    overdue = c.status == "active" and c.rotation_due_at <= now
    return CredentialOut(
        code=c.code, asset=c.asset, account=c.account, kind=c.kind, privilege=c.privilege,
        custodian=Custodian.model_validate(c.custodian), holders=c.holders,
        rotation_interval_days=c.rotation_interval_days, last_rotated_at=c.last_rotated_at,
        rotation_due_at=c.rotation_due_at, overdue=overdue,
        days_overdue=(now - c.rotation_due_at).days if overdue else 0, notes=c.notes,
        status=c.status, created_at=c.created_at, updated_at=c.updated_at)


def event(c: Credential, action: str, data: dict | None = None):
    return new_event("inventory", "credential", action, c.tenant_id, c.code, {
        "code": c.code, "asset": c.asset, "account": c.account, "privilege": c.privilege,
        "custodian": c.custodian, "rotation_due_at": c.rotation_due_at.isoformat(), **(data or {})})


async def _known_holders(session: AsyncSession, tenant_id: str, holders: list[str]) -> None:
    if not holders:
        return
    active = set((await session.execute(select(Staff.code).where(
        Staff.tenant_id == tenant_id, Staff.code.in_(holders), Staff.status == "active"))).scalars())
    missing = [h for h in holders if h not in active]
    if missing:
        raise Unprocessable(f"holders must be active staff: {', '.join(missing)} is not",
                            errors=[{"field": "body.holders", "message": f"not active staff: {m}"}
                                    for m in missing])


def _not_future(instant: datetime, field: str) -> None:
    if instant > datetime.now(UTC) + FUTURE_TOLERANCE:
        raise Unprocessable(f"{field} is in the future",
                            errors=[{"field": f"body.{field}", "message": "in the future"}])


async def by_code(session: AsyncSession, tenant_id: str, code: str,
                  for_update: bool = False) -> Credential:
    credential = await session.get(Credential, (tenant_id, code), with_for_update=for_update)
    if credential is None:
        raise NotFound(f"credential {code!r} not found")
    return credential


async def register(session: AsyncSession, tenant_id: str, body: CredentialCreate) -> Credential:
    try:
        asset = await assets.by_code(session, tenant_id, body.asset)
    except NotFound:
        raise Unprocessable(f"asset {body.asset!r} is not in the register", errors=[
            {"field": "body.asset", "message": "unknown asset"}]) from None
    if asset.status == "retired":
        raise Conflict(f"asset {body.asset!r} is retired")
    await _known_holders(session, tenant_id, body.holders)
    if body.last_rotated_at is not None:
        _not_future(body.last_rotated_at, "last_rotated_at")
    now = datetime.now(UTC)
    credential = Credential(
        tenant_id=tenant_id, code=body.code, asset=body.asset, account=body.account,
        kind=body.kind.value, privilege=body.privilege.value,
        custodian=body.custodian.model_dump(mode="json"), holders=body.holders,
        rotation_interval_days=body.rotation_interval_days, last_rotated_at=body.last_rotated_at,
        rotation_due_at=due_after(body.last_rotated_at, body.rotation_interval_days, now),
        notes=body.notes)
    await add_unique(session, credential, f"credential {body.code!r} or account {body.account!r} "
                     f"on {body.asset!r} is already registered")
    await session.refresh(credential)
    await outbox.add(session, shared.outbox, event(credential, "registered"))
    return credential


async def update(session: AsyncSession, tenant_id: str, code: str,
                 body: CredentialUpdate) -> Credential:
    credential = await by_code(session, tenant_id, code, for_update=True)
    if credential.status == "retired":
        raise Conflict(f"credential {code!r} is retired")
    changes = body.model_dump(mode="json", exclude_unset=True)
    if None in (changes.get(k, ...) for k in ("privilege", "custodian", "holders",
                                               "rotation_interval_days")):
        raise Unprocessable("privilege, custodian, holders and rotation_interval_days cannot be "
                            "emptied (send a value or leave them out)")
    if "holders" in changes:
        await _known_holders(session, tenant_id, changes["holders"])
    for field, value in changes.items():
        setattr(credential, field, value)
    if "rotation_interval_days" in changes:
        credential.rotation_due_at = due_after(credential.last_rotated_at,
                                               credential.rotation_interval_days,
                                               credential.created_at)
    credential.updated_at = func.now()
    await session.flush()
    await session.refresh(credential)
    await outbox.add(session, shared.outbox, event(credential, "updated", {"changed": sorted(changes)}))
    return credential


async def record_rotation(session: AsyncSession, tenant_id: str, code: str, body: RotationCreate,
                          recorded_by: str) -> Credential:
    credential = await by_code(session, tenant_id, code, for_update=True)
    if credential.status == "retired":
        raise Conflict(f"credential {code!r} is retired")
    _not_future(body.rotated_at, "rotated_at")
    if credential.last_rotated_at is not None and body.rotated_at <= credential.last_rotated_at:
        raise Conflict(f"a later rotation ({credential.last_rotated_at.isoformat()}) is already "
                       "recorded")
    session.add(Rotation(tenant_id=tenant_id, credential=code, rotated_at=body.rotated_at,
                         recorded_by=recorded_by, note=body.note))
    credential.last_rotated_at = body.rotated_at
    credential.rotation_due_at = due_after(body.rotated_at, credential.rotation_interval_days,
                                           credential.created_at)
    credential.updated_at = func.now()
    await session.flush()
    await session.refresh(credential)
    await outbox.add(session, shared.outbox, event(credential, "rotated", {
        "rotated_at": body.rotated_at.isoformat()}))
    return credential


async def retire(session: AsyncSession, tenant_id: str, code: str, reason: str) -> Credential:
    credential = await by_code(session, tenant_id, code, for_update=True)
    if credential.status == "retired":
        raise Conflict(f"credential {code!r} is already retired")
    credential.status = "retired"
    credential.updated_at = func.now()
    await session.flush()
    await session.refresh(credential)
    await outbox.add(session, shared.outbox, event(credential, "retired", {"reason": reason}))
    return credential


async def page(session: AsyncSession, tenant_id: str, asset: str | None, status: str | None,
               overdue: bool | None, limit: int, offset: int) -> tuple[list[Credential], int]:
    conditions = [Credential.tenant_id == tenant_id]
    if asset:
        conditions.append(Credential.asset == asset)
    if status:
        conditions.append(Credential.status == status)
    if overdue is not None:
        late = (Credential.status == "active") & (Credential.rotation_due_at <= func.now())
        conditions.append(late if overdue else ~late)
    total = (await session.execute(select(func.count()).select_from(Credential)
                                   .where(*conditions))).scalar_one()
    rows = (await session.execute(select(Credential).where(*conditions)
                                  .order_by(Credential.rotation_due_at, Credential.code)
                                  .limit(limit).offset(offset))).scalars()
    return list(rows), total


async def rotations(session: AsyncSession, tenant_id: str, code: str) -> list[RotationOut]:
    await by_code(session, tenant_id, code)
    rows = (await session.execute(select(Rotation).where(
        Rotation.tenant_id == tenant_id, Rotation.credential == code)
        .order_by(Rotation.rotated_at.desc()))).scalars()
    return [RotationOut(rotated_at=r.rotated_at, recorded_by=r.recorded_by, note=r.note,
                        recorded_at=r.recorded_at) for r in rows]
