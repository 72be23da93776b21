from __future__ import annotations

from datetime import date, datetime

from opspact.types import IsoInstant, Stripped
from pydantic import BaseModel, ConfigDict, Field

from inventory.people.schemas import CODE


class CheckIn(Stripped):
    model_config = ConfigDict(extra="forbid")
    staff: str | None = Field(default=None, pattern=CODE, description=(
        "whose; default the caller (an engineer checks in only themself)"))
    at: IsoInstant | None = Field(default=None, description=(
        "default now; another time only by a manager (a forgotten check-in, corrected)"))
    note: str = Field(default="", max_length=500)


class AttendanceOut(BaseModel):
    id: int
    staff: str
    check_in_at: datetime
    check_out_at: datetime | None
    hours: float | None = Field(description="once checked out")
    source: str
    recorded_by: str
    note: str


class AttendancePage(BaseModel):
    items: list[AttendanceOut]
    total: int
    limit: int
    offset: int


class ShiftAttendance(BaseModel):
    shift_id: int
    post: str
    staff: str
    starts_at: datetime
    ends_at: datetime
    checked_in_at: datetime | None = Field(description="the first check-in overlapping the shift")
    late_minutes: int = Field(description="after the shift's start; 0 when on time or absent")
    absent: bool = Field(description="no attendance overlaps the shift: the post was left uncovered")
    hours: float = Field(description="hours of the shift covered by attendance")


class PersonAttendance(BaseModel):
    staff: str
    shifts: int
    attended: int
    late: int
    absent: int
    shift_hours: float
    hours: float = Field(description="all hours checked in within the period, shifts or not")


class AttendanceReport(BaseModel):
    start: date
    end: date
    shifts: list[ShiftAttendance]
    people: list[PersonAttendance]
    uncovered_hours_by_post: dict[str, float]
