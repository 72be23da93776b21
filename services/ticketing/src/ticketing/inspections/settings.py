"""The inspection section of a tenant file: check templates, schedules and the
heightened periods (安保期) during which some schedules inspect more often.

    inspections:
      grace_minutes: 60            # a round not recorded by due + grace is missed
      opens_minutes_before: 120    # how early a round may be recorded
      templates:
        application: [{code: service, name: 服务运行状态}, …]
      schedules:
        - code: daily
          name: 日常巡检
          every: day               # day | working_day | week | month | half_year
          times: ["09:00"]
          heightened_times: ["08:00", "13:00", "19:00"]
          checklist: [{template: application, targets: [smart-station]}]
      heightened:
        statutory_holidays: true
        periods: [{name: 航展安保, start: 2024-11-12, end: 2024-11-17}]
"""

from __future__ import annotations

import re
from datetime import date, time
from enum import Enum

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

CODE = r"^[a-z0-9][a-z0-9-]{0,31}$"
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


class Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CheckItem(Frozen):
    code: str = Field(pattern=CODE)
    name: str = Field(min_length=1, max_length=100)


class ChecklistPart(Frozen):
    """A template applied to the systems of the tenant file it names (`targets`), or
    to every active asset of the inventory of the kinds it names (`asset_kinds`,
    e.g. [server]: each server contributes the template's items)."""
    template: str
    targets: list[str] = Field(default_factory=list)
    asset_kinds: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _one_source(self) -> ChecklistPart:
        if bool(self.targets) == bool(self.asset_kinds):
            raise ValueError(f"checklist part with template {self.template}: give either targets "
                             "(system codes) or asset_kinds (inventory kinds)")
        return self


class Every(str, Enum):
    day = "day"
    working_day = "working_day"
    week = "week"          # on `weekday` (1 = Monday)
    month = "month"        # on `day_of_month`
    half_year = "half_year"  # on `day_of_month` of January and July


class Schedule(Frozen):
    code: str = Field(pattern=CODE)
    name: str = Field(min_length=1, max_length=100)
    every: Every
    weekday: int | None = Field(default=None, ge=1, le=7)
    day_of_month: int | None = Field(default=None, ge=1, le=28)
    times: list[str] = Field(min_length=1, description="HH:MM, Asia/Shanghai")
    heightened_times: list[str] | None = Field(
        default=None, description="replace `times` on heightened days (安保期)")
    checklist: list[ChecklistPart] = Field(min_length=1)
    clause: str | None = None

    @field_validator("times", "heightened_times")
    @classmethod
    def _clock_times(cls, times: list[str] | None) -> list[str] | None:
        if times is None:
            return None
        bad = [t for t in times if not _TIME.match(t)]
        if bad:
            raise ValueError(f"times must read HH:MM: {bad}")
        if sorted(set(times)) != times:
            raise ValueError("times must be in order and not repeat")
        return times

    @model_validator(mode="after")
    def _calendar_fields(self) -> Schedule:
        if self.every is Every.week and self.weekday is None:
            raise ValueError(f"schedule {self.code}: a weekly schedule needs weekday (1 = Monday)")
        if self.every in (Every.month, Every.half_year) and self.day_of_month is None:
            raise ValueError(f"schedule {self.code}: needs day_of_month (1–28)")
        return self

    def clock_times(self, heightened: bool) -> list[time]:
        chosen = self.heightened_times if heightened and self.heightened_times else self.times
        return [time.fromisoformat(t) for t in chosen]


class Period(Frozen):
    name: str = Field(min_length=1, max_length=100)
    start: date
    end: date

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.end < self.start:
            raise ValueError(f"heightened period {self.name} ends before it starts")
        return self


class Heightened(Frozen):
    statutory_holidays: bool = False
    periods: list[Period] = Field(default_factory=list)


class InspectionSettings(Frozen):
    grace_minutes: int = Field(default=60, ge=0, le=24 * 60)
    opens_minutes_before: int = Field(default=120, ge=0, le=24 * 60)
    templates: dict[str, list[CheckItem]] = Field(default_factory=dict)
    schedules: list[Schedule] = Field(default_factory=list)
    heightened: Heightened = Field(default_factory=Heightened)

    @field_validator("templates")
    @classmethod
    def _unique_items(cls, templates: dict[str, list[CheckItem]]) -> dict[str, list[CheckItem]]:
        for name, items in templates.items():
            codes = [i.code for i in items]
            if not items or len(codes) != len(set(codes)):
                raise ValueError(f"template {name} needs items with unique codes")
        return templates

    @model_validator(mode="after")
    def _references(self) -> InspectionSettings:
        codes = [s.code for s in self.schedules]
        if len(codes) != len(set(codes)):
            raise ValueError("inspection schedule codes must be unique")
        for schedule in self.schedules:
            for part in schedule.checklist:
                if part.template not in self.templates:
                    raise ValueError(f"schedule {schedule.code} names unknown template {part.template}")
        return self

    def schedule(self, code: str) -> Schedule | None:
        return next((s for s in self.schedules if s.code == code), None)

    def asset_kinds(self) -> set[str]:
        return {k for s in self.schedules for part in s.checklist for k in part.asset_kinds}
