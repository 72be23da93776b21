import datetime as dt
from datetime import datetime
from enum import Enum
from typing import Any
from uuid import UUID

from opspact.types import Stripped
from pydantic import BaseModel, ConfigDict, Field

from inventory.assets.kinds import Kind
from inventory.eol.catalogue import Status as EolStatus

CODE = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"


class RelationType(str, Enum):
    runs_on = "runs_on"  # application → server, VM → host
    depends_on = "depends_on"  # application → database, interface
    part_of = "part_of"  # module → system (the system relies on its modules)
    connects_to = "connects_to"  # network adjacency: not followed by the impact walk


class AssetCreate(Stripped):
    model_config = ConfigDict(extra="forbid")
    kind: Kind
    code: str = Field(pattern=CODE, description="the natural key within the tenant")
    name: str = Field(min_length=1, max_length=200)
    attributes: dict[str, Any] = Field(default_factory=dict)


class AssetUpdate(Stripped):
    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(default=None, min_length=1, max_length=200)
    attributes: dict[str, Any] | None = None


class Eol(BaseModel):
    status: EolStatus
    product: str | None = None
    version: str | None = None
    cycle: str | None = None
    date: dt.date | None = None
    source: str | None = None
    note: str | None = None


class AssetOut(BaseModel):
    id: UUID
    tenant: str
    kind: Kind
    code: str
    name: str
    attributes: dict[str, Any]
    status: str
    eol: Eol | None = Field(description="software, and servers by their OS")
    created_at: datetime
    updated_at: datetime
    retired_at: datetime | None


class AssetPage(BaseModel):
    items: list[AssetOut]
    total: int
    limit: int
    offset: int


class RelationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    to: str = Field(pattern=CODE, description="code of the asset this one runs on / depends on…")
    type: RelationType


class RelationOut(BaseModel):
    from_code: str
    to_code: str
    type: RelationType


class Impacted(BaseModel):
    code: str
    name: str
    kind: Kind
    depth: int
    via: str = Field(description="the asset through which the failure reaches this one")
    path: list[str]


class ImpactOut(BaseModel):
    failed: str
    max_depth: int
    truncated: bool = Field(description="more assets lie beyond max_depth")
    impacted: list[Impacted]


class Retirement(Stripped):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(min_length=1, max_length=500)
