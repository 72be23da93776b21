"""A training the contract requires, in the tenant file (`inventory.trainings`)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class TrainingDuty(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: str = Field(pattern=r"^[a-z][a-z0-9_]{0,31}$", description="e.g. security")
    name: str = Field(min_length=1, max_length=100, description="what people call it, e.g. 信息保密安全培训")
    every: Literal["month"] = "month"
    warn_days_before_end: int = Field(default=5, ge=0, le=27, description=(
        "announce a month without one this many days before it ends"))
    clause: str = Field(min_length=1, max_length=1000, description="the contract's words")
