"""Asset rules: typed attributes per kind, one code per tenant, relations without
dependency cycles, retirement instead of deletion, EOL status on every read."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from opspact import outbox
from opspact.calendar import SHANGHAI
from opspact.db.unique import add_unique
from opspact.errors import Conflict, NotFound, Unprocessable
from opspact.events import new_event
from pydantic import ValidationError
from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from inventory.assets import graph
from inventory.assets.kinds import ATTRIBUTES, Kind
from inventory.assets.models import Asset, Relation
from inventory.assets.schemas import (
    AssetCreate,
    AssetOut,
    AssetUpdate,
    Eol,
    Impacted,
    ImpactOut,
    RelationCreate,
    RelationOut,
)
from inventory.eol import catalogue
from inventory.tables import shared


def typed_attributes(kind: Kind, attributes: dict[str, Any]) -> dict[str, Any]:
    try:
        return ATTRIBUTES[kind].model_validate(attributes).model_dump(mode="json",
                                                                     exclude_none=True)
    except ValidationError as exc:
        errors = [{"field": "body.attributes." + ".".join(map(str, e["loc"])), "message": e["msg"]}
                  for e in exc.errors()]
        raise Unprocessable(f"attributes of a {kind.value}: " + "; ".join(
            f"{e['field'].removeprefix('body.attributes.')}: {e['message']}" for e in errors),
            errors=errors) from None


def eol_of(asset: Asset, today=None) -> Eol | None:
    today = today or datetime.now(SHANGHAI).date()
    attrs = asset.attributes or {}
    if asset.kind == Kind.software.value:
        product, version = attrs.get("product"), attrs.get("version")
    elif asset.kind == Kind.server.value and attrs.get("os"):
        product, version = catalogue.product_of_os(attrs["os"]) or (attrs["os"], "")
    else:
        return None
    entry = catalogue.lookup(product, version)
    return Eol(status=catalogue.status(entry, today), product=product, version=version,
               cycle=entry and entry.cycle, date=entry and entry.eol,
               source=entry and entry.source, note=entry and entry.note)


def out(asset: Asset) -> AssetOut:
    return AssetOut(id=asset.id, tenant=asset.tenant_id, kind=asset.kind, code=asset.code,
                    name=asset.name, attributes=asset.attributes, status=asset.status,
                    eol=eol_of(asset), created_at=asset.created_at, updated_at=asset.updated_at,
                    retired_at=asset.retired_at)


def _event(asset: Asset, action: str, data: dict | None = None):
    return new_event("inventory", "asset", action, asset.tenant_id, str(asset.id), {
        "asset_id": str(asset.id), "code": asset.code, "kind": asset.kind, "name": asset.name,
        **(data or {})})


async def _announce_eol_risk(session: AsyncSession, asset: Asset) -> None:
    eol = eol_of(asset)
    if eol is not None and eol.status in (catalogue.Status.past, catalogue.Status.near):
        await outbox.add(session, shared.outbox, new_event(
            "inventory", "eol", "risk", asset.tenant_id, str(asset.id), {
                "asset_id": str(asset.id), "code": asset.code, "name": asset.name,
                **eol.model_dump(mode="json")}))


async def by_code(session: AsyncSession, tenant_id: str, code: str,
                  for_update: bool = False) -> Asset:
    query = select(Asset).where(Asset.tenant_id == tenant_id, Asset.code == code)
    asset = (await session.execute(query.with_for_update() if for_update else query)).scalar_one_or_none()
    if asset is None:
        raise NotFound(f"asset {code!r} not found")
    return asset


async def create(session: AsyncSession, tenant_id: str, body: AssetCreate) -> Asset:
    asset = Asset(tenant_id=tenant_id, kind=body.kind.value, code=body.code, name=body.name,
                  attributes=typed_attributes(body.kind, body.attributes))
    await add_unique(session, asset, f"asset code {body.code!r} is already used in tenant {tenant_id}")
    await session.refresh(asset)
    await outbox.add(session, shared.outbox, _event(asset, "created", {"attributes": asset.attributes}))
    await _announce_eol_risk(session, asset)
    return asset


async def update(session: AsyncSession, tenant_id: str, code: str, body: AssetUpdate) -> Asset:
    asset = await by_code(session, tenant_id, code, for_update=True)
    if asset.status == "retired":
        raise Conflict(f"asset {code!r} is retired")
    changes = {}
    if body.name is not None and body.name != asset.name:
        changes["name"] = {"old": asset.name, "new": body.name}
        asset.name = body.name
    if body.attributes is not None:
        typed = typed_attributes(Kind(asset.kind), body.attributes)
        if typed != asset.attributes:
            changes["attributes"] = {"old": asset.attributes, "new": typed}
            asset.attributes = typed
    if not changes:
        return asset
    asset.updated_at = func.now()
    await session.flush()
    await session.refresh(asset)
    await outbox.add(session, shared.outbox, _event(asset, "updated", {"changes": changes}))
    await _announce_eol_risk(session, asset)
    return asset


async def retire(session: AsyncSession, tenant_id: str, code: str, reason: str) -> Asset:
    asset = await by_code(session, tenant_id, code, for_update=True)
    if asset.status == "retired":
        raise Conflict(f"asset {code!r} was already retired")
    asset.status, asset.retired_at, asset.updated_at = "retired", func.now(), func.now()
    await session.flush()
    await session.refresh(asset)
    await outbox.add(session, shared.outbox, _event(asset, "retired", {"reason": reason}))
    return asset


async def page(session: AsyncSession, tenant_id: str, kind: Kind | None, status: str | None,
               q: str | None, limit: int, offset: int) -> tuple[list[Asset], int]:
    conditions = [Asset.tenant_id == tenant_id]
    if kind:
        conditions.append(Asset.kind == kind.value)
    if status:
        conditions.append(Asset.status == status)
    if q:
        pattern = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        conditions.append(or_(Asset.code.ilike(pattern), Asset.name.ilike(pattern)))
    total = (await session.execute(select(func.count()).select_from(Asset).where(*conditions))).scalar_one()
    rows = (await session.execute(select(Asset).where(*conditions)
                                  .order_by(Asset.kind, Asset.code).limit(limit).offset(offset))).scalars()
    return list(rows), total


async def relate(session: AsyncSession, tenant_id: str, code: str, body: RelationCreate) -> RelationOut:
    source = await by_code(session, tenant_id, code)
    target = await by_code(session, tenant_id, body.to)
    for asset in (source, target):
        if asset.status == "retired":
            raise Conflict(f"asset {asset.code!r} is retired")
    if source.id == target.id:
        raise Unprocessable("an asset cannot relate to itself")
    if body.type.value in graph.DEPENDENCY_TYPES and \
            await graph.would_cycle(session, tenant_id, source.id, target.id, body.type.value):
        raise Conflict(f"{code} {body.type.value} {body.to} would make a cycle: the other side "
                       "already relies on this one")
    await add_unique(session, Relation(tenant_id=tenant_id, from_asset=source.id,
                                       to_asset=target.id, type=body.type.value),
                     f"{code} {body.type.value} {body.to} is already recorded")
    await outbox.add(session, shared.outbox, _event(source, "updated", {
        "relation_added": {"type": body.type.value, "to": body.to}}))
    return RelationOut(from_code=code, to_code=body.to, type=body.type)


async def unrelate(session: AsyncSession, tenant_id: str, code: str, rel_type: str, to: str) -> None:
    source = await by_code(session, tenant_id, code)
    target = await by_code(session, tenant_id, to)
    relation = (await session.execute(select(Relation).where(
        Relation.tenant_id == tenant_id, Relation.from_asset == source.id,
        Relation.to_asset == target.id, Relation.type == rel_type))).scalar_one_or_none()
    if relation is None:
        raise NotFound(f"no relation {code} {rel_type} {to}")
    await session.delete(relation)
    await outbox.add(session, shared.outbox, _event(source, "updated", {
        "relation_removed": {"type": rel_type, "to": to}}))


async def relations(session: AsyncSession, tenant_id: str, code: str) -> list[RelationOut]:
    asset = await by_code(session, tenant_id, code)
    src, dst = Asset.__table__.alias("src"), Asset.__table__.alias("dst")
    rows = (await session.execute(
        select(src.c.code, dst.c.code, Relation.type)
        .join(src, src.c.id == Relation.from_asset).join(dst, dst.c.id == Relation.to_asset)
        .where(Relation.tenant_id == tenant_id,
               or_(Relation.from_asset == asset.id, Relation.to_asset == asset.id))
        .order_by(Relation.type, src.c.code, dst.c.code))).all()
    return [RelationOut(from_code=a, to_code=b, type=t) for a, b, t in rows]


async def impact(session: AsyncSession, tenant_id: str, code: str, max_depth: int) -> ImpactOut:
    failed = await by_code(session, tenant_id, code)
    reached, truncated = await graph.impact(session, tenant_id, failed.id, max_depth)
    ids = {failed.id} | {i for row in reached for i in row[2]}
    assets = {a.id: a for a in (await session.execute(select(Asset).where(
        Asset.tenant_id == tenant_id, Asset.id.in_(ids)))).scalars()}
    impacted = [Impacted(code=assets[i].code, name=assets[i].name, kind=assets[i].kind,
                         depth=depth, via=assets[path[-2]].code,
                         path=[assets[p].code for p in path])
                for i, depth, path in sorted(reached, key=lambda r: (r[1], assets[r[0]].code))]
    return ImpactOut(failed=code, max_depth=max_depth, truncated=truncated, impacted=impacted)


async def eol_risks(session: AsyncSession, tenant_id: str, include_unknown: bool) -> list[AssetOut]:
    rows = (await session.execute(select(Asset).where(
        Asset.tenant_id == tenant_id, Asset.status == "active",
        Asset.kind.in_((Kind.software.value, Kind.server.value))))).scalars()
    wanted = {catalogue.Status.past, catalogue.Status.near} | (
        {catalogue.Status.unknown} if include_unknown else set())
    risky = [out(a) for a in rows]
    risky = [a for a in risky if a.eol is not None and a.eol.status in wanted]
    return sorted(risky, key=lambda a: (a.eol.date is None, a.eol.date, a.code))
