from __future__ import annotations

from datetime import datetime
from enum import Enum
from uuid import UUID

from opspact.types import IsoInstant, Stripped
from pydantic import BaseModel, ConfigDict, Field


class Category(str, Enum):
    fault = "fault"                # 故障处理
    consultation = "consultation"  # 咨询解答（电话咨询）
    inspection = "inspection"      # 巡检
    change = "change"              # 变更实施
    maintenance = "maintenance"    # 日常维护
    data = "data"                  # 数据处理
    security = "security"          # 安全保障
    training = "training"          # 培训
    other = "other"


class EntryIn(Stripped):
    model_config = ConfigDict(extra="forbid")
    category: Category
    occurred_at: IsoInstant
    system: str | None = Field(default=None, max_length=64)
    initiator: str = Field(min_length=1, max_length=100, description="发起人")
    handler: str = Field(min_length=1, max_length=100, description="处理人")
    handling: str = Field(min_length=1, max_length=20000, description="处理情况")
    feedback: str | None = Field(default=None, max_length=5000, description="反馈")
    minutes_spent: int = Field(ge=0, le=24 * 60, description="time spent, minutes")
    ticket_id: UUID | None = None
    change_id: UUID | None = Field(default=None, description=(
        "the change this work implemented: counted against the contract's effort budgets"))


class EntryOut(BaseModel):
    id: int
    category: Category
    occurred_at: datetime
    system: str | None
    initiator: str
    handler: str
    handling: str
    feedback: str | None
    minutes_spent: int
    ticket_id: UUID | None
    change_id: UUID | None = None
    created_by: str
    created_at: datetime


class EntryPage(BaseModel):
    items: list[EntryOut]
    total: int
    limit: int
    offset: int
    minutes_by_category: dict[str, int] = Field(description="time spent in the filtered entries")
