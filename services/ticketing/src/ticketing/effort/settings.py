from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from ticketing.changes.schemas import ChangeKind


class EffortBudget(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=200)
    person_months_total: Decimal = Field(gt=0, max_digits=6, decimal_places=2)
    person_months_each_under: Decimal | None = Field(
        default=None, gt=0, max_digits=6, decimal_places=2,
        description="one change must stay under this (beijing: 单项工作量小于2人月)")
    change_kinds: list[ChangeKind] = Field(default_factory=lambda: [ChangeKind.upgrade], min_length=1,
                                           description="the changes whose work counts")
    warn_at_percent: int = Field(default=80, ge=1, le=99)
    clause: str = Field(min_length=1, max_length=1000)
