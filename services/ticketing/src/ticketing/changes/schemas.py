from __future__ import annotations

from datetime import datetime
from enum import Enum
from uuid import UUID

from opspact.types import IsoInstant, Stripped
from pydantic import BaseModel, ConfigDict, Field, model_validator


class ChangeKind(str, Enum):
    business_config = "business_config"      # 业务配置
    data_modification = "data_modification"  # 数据修改
    upgrade = "upgrade"                      # 升级


class Risk(str, Enum):
    low = "low"
    medium = "medium"
    high = "high"


class ChangeStatus(str, Enum):
    submitted = "submitted"      # waiting for the next approval step
    approved = "approved"        # every step approved; may start in its window
    rejected = "rejected"
    cancelled = "cancelled"
    in_progress = "in_progress"
    implemented = "implemented"
    failed = "failed"
    rolled_back = "rolled_back"


class Decision(str, Enum):
    approve = "approve"
    reject = "reject"


class Outcome(str, Enum):
    implemented = "implemented"
    failed = "failed"
    rolled_back = "rolled_back"


class ChangeCreate(Stripped):
    model_config = ConfigDict(extra="forbid")
    kind: ChangeKind
    risk: Risk
    system: str = Field(min_length=1, max_length=64, description="system code from the tenant file")
    title: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=20000)
    plan: str = Field(min_length=1, max_length=20000, description="实施方案")
    rollback_plan: str = Field(min_length=1, max_length=20000, description="回退方案")
    window_start: IsoInstant
    window_end: IsoInstant

    @model_validator(mode="after")
    def _window(self) -> ChangeCreate:
        if self.window_end <= self.window_start:
            raise ValueError("window_end must be after window_start")
        return self


class DecisionIn(Stripped):
    model_config = ConfigDict(extra="forbid")
    decision: Decision
    reason: str | None = Field(default=None, max_length=2000)

    @model_validator(mode="after")
    def _rejection_says_why(self) -> DecisionIn:
        if self.decision is Decision.reject and not self.reason:
            raise ValueError("a rejection needs a reason")
        return self


class ResultIn(Stripped):
    model_config = ConfigDict(extra="forbid")
    outcome: Outcome
    note: str = Field(min_length=1, max_length=20000, description="实施结果")


class CancelIn(Stripped):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(min_length=1, max_length=2000)


class StepOut(BaseModel):
    code: str
    name: str
    decision: Decision | None = None
    by: str | None = None
    at: datetime | None = None
    reason: str | None = None


class ChangeOut(BaseModel):
    id: UUID
    number: str
    kind: ChangeKind
    risk: Risk
    system: str
    title: str
    description: str
    plan: str
    rollback_plan: str
    window_start: datetime
    window_end: datetime
    status: ChangeStatus
    steps: list[StepOut]
    waiting_for: str | None = Field(description="the step whose decision is awaited")
    submitted_by: str
    started_at: datetime | None
    implemented_by: str | None
    finished_at: datetime | None
    result_note: str | None
    created_at: datetime
    updated_at: datetime


class ChangePage(BaseModel):
    items: list[ChangeOut]
    total: int
    limit: int
    offset: int
