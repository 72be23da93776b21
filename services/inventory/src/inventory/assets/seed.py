"""The assets a tenant file lists (inventory slice, `assets:`), registered on apply.

Entries are upserted by code — created, or updated where they differ; assets the
file no longer lists are left alone (retire them explicitly: a register entry is
evidence). `count` repeats an entry with `{n}` numbered in code and name (wuqia's 20
VPN accounts are one line)."""

from __future__ import annotations

from typing import Any

from opspact.errors import Unprocessable
from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from inventory.assets import service
from inventory.assets.kinds import Kind
from inventory.assets.models import Asset, Relation
from inventory.assets.schemas import AssetCreate, AssetUpdate, RelationCreate


class AssetSeed(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Kind
    code: str = Field(max_length=64)
    name: str = Field(min_length=1, max_length=200)
    attributes: dict[str, Any] = Field(default_factory=dict)
    count: int | None = Field(default=None, ge=1, le=1000)
    runs_on: list[str] = Field(default_factory=list)
    depends_on: list[str] = Field(default_factory=list)
    part_of: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _typed(self) -> AssetSeed:
        try:
            service.typed_attributes(self.kind, self.attributes)
        except Unprocessable as exc:  # as a ValueError, pydantic names the entry
            raise ValueError(f"{self.code}: {exc.detail}") from None
        if self.count and "{n" not in self.code:
            raise ValueError(f"{self.code}: count needs {{n}} in the code")
        for code, _ in self.expand():
            AssetCreate(kind=self.kind, code=code, name="x")  # the code pattern
        return self

    def expand(self) -> list[tuple[str, str]]:
        if not self.count:
            return [(self.code, self.name)]
        return [(self.code.format(n=n), self.name.format(n=n)) for n in range(1, self.count + 1)]


def validate_codes(seeds: list[AssetSeed]) -> None:
    codes = [code for seed in seeds for code, _ in seed.expand()]
    twice = sorted({c for c in codes if codes.count(c) > 1})
    if twice:
        raise ValueError(f"asset codes listed twice: {twice}")
    unknown = sorted({t for s in seeds for t in (*s.runs_on, *s.depends_on, *s.part_of)}
                     - set(codes))
    if unknown:
        raise ValueError(f"relations to codes the file does not list: {unknown}")


async def register(session: AsyncSession, tenant_id: str, settings: dict) -> None:
    seeds = [AssetSeed.model_validate(s) for s in settings.get("assets", [])]
    existing = {a.code: a for a in (await session.execute(
        select(Asset).where(Asset.tenant_id == tenant_id))).scalars()}
    for seed in seeds:
        attributes = service.typed_attributes(seed.kind, seed.attributes)
        for code, name in seed.expand():
            current = existing.get(code)
            if current is None:
                existing[code] = await service.create(session, tenant_id, AssetCreate(
                    kind=seed.kind, code=code, name=name, attributes=attributes))
            elif current.status == "active" and (current.name, current.attributes) != (name, attributes):
                await service.update(session, tenant_id, code,
                                     AssetUpdate(name=name, attributes=attributes))
    present = {(r.from_asset, r.to_asset, r.type) for r in (await session.execute(
        select(Relation).where(Relation.tenant_id == tenant_id))).scalars()}
    for seed in seeds:
        for rel_type in ("runs_on", "depends_on", "part_of"):
            for target in getattr(seed, rel_type):
                for code, _ in seed.expand():
                    key = (existing[code].id, existing[target].id, rel_type)
                    if key not in present:
                        await service.relate(session, tenant_id, code,
                                             RelationCreate(to=target, type=rel_type))
                        present.add(key)


