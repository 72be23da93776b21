"""Each service's registry of the tenants it serves, fed by `opspact tenant apply`.

`PUT /tenants/{slug}` is idempotent: the slice is stored with its hash, a second
apply of the same content changes nothing and says so, and `?dry_run=true` shows
the difference without writing. A change emits `<service>.tenant.configured.v1`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import Column, DateTime, MetaData, String, Table, func, select
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from opspact import outbox
from opspact.auth import Principal
from opspact.errors import Forbidden, NotFound, Unprocessable
from opspact.events import new_event
from opspact.permissions import require
from opspact.tenancy.model import SLUG_PATTERN

T = TypeVar("T")


def tenants_table(metadata: MetaData) -> Table:
    return Table(
        "tenants", metadata,
        Column("tenant_id", String(32), primary_key=True),
        Column("name", String(200), nullable=False),
        Column("config", JSONB, nullable=False),
        Column("config_hash", String(64), nullable=False),
        Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        # {start, end, basis, recorded_on}: the term once the event that starts it is recorded
        Column("recorded_term", JSONB),
    )


class TenantSlice(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=200)
    contract: dict[str, Any]
    parties: dict[str, Any]
    settings: dict[str, Any] = Field(default_factory=dict)


class Change(BaseModel):
    path: str
    old: Any = None
    new: Any = None


class ApplyResult(BaseModel):
    tenant: str
    changed: bool
    dry_run: bool
    changes: list[Change]


class TenantView(BaseModel):
    tenant: str
    name: str
    config: dict[str, Any]
    updated_at: datetime


def content_hash(document: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(document, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def diff(old: Any, new: Any, path: str = "") -> list[Change]:
    if isinstance(old, dict) and isinstance(new, dict):
        changes: list[Change] = []
        for key in sorted(set(old) | set(new)):
            changes += diff(old.get(key), new.get(key), f"{path}.{key}" if path else key)
        return changes
    return [] if old == new else [Change(path=path or ".", old=old, new=new)]


async def load_tenant(session: AsyncSession, table: Table, slug: str) -> dict[str, Any]:
    """The tenant's slice, its term's dates filled in once recorded (opspact.tenancy.term)."""
    row = (await session.execute(select(table.c.config, table.c.recorded_term)
                                 .where(table.c.tenant_id == slug))).first()
    if row is None:
        raise _not_provisioned(slug)
    return with_recorded_term(row.config, row.recorded_term)


def _not_provisioned(slug: str) -> NotFound:
    return NotFound(f"tenant {slug!r} is not provisioned in this service; "
                    f"run `opspact tenant apply deploy/tenants/{slug}.yaml`")


# (table, tenant, parser) -> ((config_hash, recorded term), what the parser made of it)
_PARSED: dict[tuple, tuple[tuple, Any]] = {}


async def parsed_tenant(session: AsyncSession, table: Table, slug: str,
                        parse: Callable[[dict[str, Any]], T]) -> T:
    """`parse(load_tenant(...))`, parsed once per version of the slice.

    Every hook, event and page reads its tenant's settings; parsing the slice each time
    (JSON decoding and a pydantic validation of a few hundred fields) was a tenth of a
    hook's CPU. The version — the slice's `config_hash` and the recorded term — comes
    from the same row, so another process's `tenant apply` is seen at the next call.
    What `parse` returns is shared between requests: treat it as read-only."""
    row = (await session.execute(select(table.c.config_hash, table.c.recorded_term)
                                 .where(table.c.tenant_id == slug))).first()
    key = (table.fullname, slug, parse)
    cached = _PARSED.get(key)
    if row is not None and cached is not None and cached[0] == _version(row):
        return cached[1]
    row = (await session.execute(select(table.c.config, table.c.config_hash, table.c.recorded_term)
                                 .where(table.c.tenant_id == slug))).first()
    if row is None:
        raise _not_provisioned(slug)
    value = parse(with_recorded_term(row.config, row.recorded_term))
    _PARSED[key] = (_version(row), value)
    return value


def _version(row) -> tuple:
    term = row.recorded_term
    return row.config_hash, json.dumps(term, sort_keys=True, default=str) if term else None


def with_recorded_term(config: dict[str, Any], recorded: dict[str, Any] | None) -> dict[str, Any]:
    if not recorded:
        return config
    contract = config.get("contract", {})
    return {**config, "contract": {**contract, "term": {**contract.get("term", {}),
                                                        "start": recorded["start"],
                                                        "end": recorded["end"]}}}


def tenant_router(service: str, table: Table, outbox_table: Table,
                  principal_dep: Callable, session_dep: Callable,
                  validate_settings: Callable[[dict[str, Any], dict[str, Any]], dict[str, Any]],
                  on_configured: Callable | None = None) -> APIRouter:
    """`on_configured(session, slug, settings)` runs in the same transaction when a
    tenant's slice changed (e.g. inventory registers the assets the file lists)."""
    router = APIRouter(prefix="/tenants", tags=["tenants"])

    def _authorize(slug: str, principal: Principal) -> None:
        require(principal, "tenants.configure")
        if principal.tenant != slug:
            raise Forbidden(f"token is for tenant {principal.tenant!r}, not {slug!r}")

    @router.put("/{slug}", response_model=ApplyResult,
                responses={403: {"description": "not allowed"}})
    async def apply_tenant(
        body: TenantSlice, slug: str = Path(pattern=SLUG_PATTERN),
        dry_run: bool = Query(False), principal: Principal = Depends(principal_dep),
        session: AsyncSession = Depends(session_dep),
    ) -> ApplyResult:
        _authorize(slug, principal)
        document = body.model_dump(mode="json")
        try:
            document["settings"] = validate_settings(document["settings"], document)
        except ValidationError as exc:
            errors = [{"field": "body.settings." + ".".join(str(p) for p in e["loc"]),
                       "message": e["msg"]} for e in exc.errors()]
            raise Unprocessable("; ".join(f"{e['field']}: {e['message']}" for e in errors),
                                errors=errors) from None
        row = (await session.execute(
            select(table.c.config, table.c.config_hash).where(table.c.tenant_id == slug))).first()
        new_hash = content_hash(document)
        changes = diff(row.config if row else {}, document)
        changed = row is None or row.config_hash != new_hash
        if changed and not dry_run:
            await session.execute(pg_insert(table).values(
                tenant_id=slug, name=body.name, config=document, config_hash=new_hash,
            ).on_conflict_do_update(index_elements=[table.c.tenant_id], set_={
                "name": body.name, "config": document, "config_hash": new_hash,
                "updated_at": func.now()}))
            await outbox.add(session, outbox_table, new_event(
                service, "tenant", "configured", slug, slug,
                {"tenant": slug, "config_hash": new_hash, "changed_paths": [c.path for c in changes]}))
            if on_configured is not None:
                await on_configured(session, slug, document["settings"])
        return ApplyResult(tenant=slug, changed=changed, dry_run=dry_run, changes=changes)

    @router.get("/{slug}", response_model=TenantView,
                responses={403: {"description": "not allowed"}, 404: {"description": "unknown"}})
    async def get_tenant(slug: str = Path(pattern=SLUG_PATTERN),
                         principal: Principal = Depends(principal_dep),
                         session: AsyncSession = Depends(session_dep)) -> TenantView:
        require(principal, "tenants.read")
        if principal.tenant != slug:
            raise Forbidden(f"token is for tenant {principal.tenant!r}, not {slug!r}")
        row = (await session.execute(select(table).where(table.c.tenant_id == slug))).first()
        if row is None:
            raise NotFound(f"tenant {slug!r} is not provisioned in this service")
        return TenantView(tenant=slug, name=row.name, updated_at=row.updated_at,
                          config=with_recorded_term(row.config, row.recorded_term))

    return router

