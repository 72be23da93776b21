from __future__ import annotations

from datetime import date, datetime

from opspact.types import IsoDate, Stripped
from pydantic import BaseModel, ConfigDict, Field


class TrainingIn(Stripped):
    model_config = ConfigDict(extra="forbid")
    kind: str = Field(pattern=r"^[a-z][a-z0-9_]{0,31}$", description="a kind the tenant file names")
    held_on: IsoDate
    topic: str = Field(min_length=1, max_length=200)
    attendees: list[str] = Field(min_length=1, max_length=200, description="staff codes")
    note: str = Field(default="", max_length=2000)

    def unique_attendees(self) -> list[str]:
        return list(dict.fromkeys(self.attendees))


class TrainingOut(BaseModel):
    id: int
    kind: str
    held_on: date
    topic: str
    attendees: list[str]
    note: str
    recorded_by: str
    created_at: datetime


class TrainingPage(BaseModel):
    items: list[TrainingOut]
    total: int
    limit: int
    offset: int


class MonthOut(BaseModel):
    """A required training's state this month (Asia/Shanghai)."""
    kind: str
    name: str
    month: str = Field(description="YYYY-MM")
    held: list[date] = Field(description="the days it was held this month")
    due_by: date = Field(description="the month's last day")
    clause: str


