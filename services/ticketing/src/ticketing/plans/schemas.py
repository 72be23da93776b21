from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from uuid import UUID

from opspact.types import IsoDate, Stripped
from pydantic import BaseModel, ConfigDict, Field


class PlanCategory(str, Enum):
    network = "network"          # 网络中断
    hardware = "hardware"        # 服务器、存储等硬件故障
    database = "database"        # 数据库故障
    application = "application"  # 应用系统故障
    interface = "interface"      # 外部接口中断
    security = "security"        # 网络安全事件
    data = "data"                # 数据丢失、泄露
    power = "power"              # 机房供电、环境
    other = "other"


class DrillOutcome(str, Enum):
    passed = "passed"
    partly = "partly"
    failed = "failed"


class PlanIn(Stripped):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,31}$")
    category: PlanCategory
    title: str = Field(min_length=1, max_length=200)
    scenario: str = Field(min_length=1, max_length=20000, description="适用场景")
    response_steps: str = Field(min_length=1, max_length=50000, description="处置流程")
    roles: str = Field(min_length=1, max_length=20000,
                       description="职责分工 by post; no personal phone numbers")
    systems: list[str] = Field(default_factory=list, max_length=50)
    drill_every_days: int | None = Field(default=None, ge=7, le=730,
                                         description="how often it must be drilled")


class PlanUpdate(PlanIn):
    version: int = Field(ge=1, description="the version this edit starts from (else 409)")


class DrillIn(Stripped):
    model_config = ConfigDict(extra="forbid")
    held_on: IsoDate
    participants: list[str] = Field(min_length=1, max_length=100)
    scenario: str = Field(min_length=1, max_length=5000)
    outcome: DrillOutcome
    findings: str = Field(default="", max_length=20000, description="问题与改进")
    minutes_spent: int | None = Field(default=None, ge=1, le=24 * 60)


class DrillOut(BaseModel):
    id: int
    held_on: date
    plan_version: int
    participants: list[str]
    scenario: str
    outcome: DrillOutcome
    findings: str
    minutes_spent: int | None
    recorded_by: str
    recorded_at: datetime


class PlanOut(BaseModel):
    id: UUID
    code: str
    category: PlanCategory
    title: str
    scenario: str
    response_steps: str
    roles: str
    systems: list[str]
    version: int
    drill_every_days: int | None
    last_drill_on: date | None
    drill_due_on: date | None = Field(description="when the next drill is due, if a cadence is set")
    drill_overdue: bool
    updated_by: str
    updated_at: datetime
    drills: list[DrillOut] | None = None


class PlanPage(BaseModel):
    items: list[PlanOut]
    total: int
    limit: int
    offset: int
