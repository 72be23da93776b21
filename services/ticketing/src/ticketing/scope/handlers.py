"""Keeps `scope_assets` in step with the inventory. Events of one asset arrive in
order (keyed by the asset id); a replayed one is dropped by the inbox before it
gets here, and the upsert makes even a repeat harmless."""

from __future__ import annotations

from opspact.events import CloudEvent
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from ticketing.scope.models import ScopeAsset


async def on_asset(session: AsyncSession, event: CloudEvent) -> None:
    data = event.data
    action = event.type.split(".")[2]
    name = data.get("changes", {}).get("name", {}).get("new") or data["name"]
    status = "retired" if action == "retired" else "active"
    values = {"tenant_id": event.tenantid, "code": data["code"], "kind": data["kind"],
              "name": name, "status": status}
    await session.execute(pg_insert(ScopeAsset).values(**values).on_conflict_do_update(
        index_elements=["tenant_id", "code"],
        set_={"kind": values["kind"], "name": name, "status": status, "updated_at": event.time}))


HANDLERS = {f"inventory.asset.{action}.v1": on_asset for action in ("created", "updated", "retired")}


async def active_assets(session: AsyncSession, tenant_id: str, kinds: set[str]) -> list[ScopeAsset]:
    rows = await session.execute(select(ScopeAsset).where(
        ScopeAsset.tenant_id == tenant_id, ScopeAsset.kind.in_(kinds), ScopeAsset.status == "active")
        .order_by(ScopeAsset.kind, ScopeAsset.code))
    return list(rows.scalars())
