"""Contract targets as written in tenant files and typed on the command line."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from enum import Enum


class Unit(str, Enum):
    minutes = "minutes"
    hours = "hours"
    days = "days"
    working_hours = "working hours"
    working_days = "working days"


_UNITS = {
    Unit.minutes: ("m", "min", "mins", "minute", "minutes", "分钟"),
    Unit.hours: ("h", "hr", "hrs", "hour", "hours", "小时"),
    Unit.days: ("d", "day", "days", "天", "日"),
    Unit.working_hours: ("working hour", "working hours", "个工作小时", "工作小时"),
    Unit.working_days: ("working day", "working days", "wd", "个工作日", "工作日"),
}
_BY_SPELLING = {spelling: unit for unit, spellings in _UNITS.items() for spelling in spellings}
_TARGET = re.compile(r"^\s*(\d{1,6})\s*([a-z\u4e00-\u9fff ]+?)\s*$")
# A contract clock longer than a year is a typo, not a promise.
_MAX = {Unit.minutes: 525_600, Unit.hours: 8_760, Unit.days: 366,
        Unit.working_hours: 2_200, Unit.working_days: 260}


@dataclass(frozen=True)
class Target:
    amount: int
    unit: Unit

    @property
    def working(self) -> bool:
        return self.unit in (Unit.working_hours, Unit.working_days)

    def counted(self) -> timedelta:
        """How much calendar time the target counts (working days count whole days)."""
        if self.unit is Unit.minutes:
            return timedelta(minutes=self.amount)
        if self.unit in (Unit.hours, Unit.working_hours):
            return timedelta(hours=self.amount)
        return timedelta(days=self.amount)

    def __str__(self) -> str:
        unit = self.unit.value
        if self.amount == 1 and unit.endswith("s"):
            unit = unit[:-1]
        return f"{self.amount} {unit}"


def parse_target(text: str) -> Target:
    """`30m`, `4h`, `1 day`, `5 working days`, `5个工作日` → Target; ValueError otherwise."""
    match = _TARGET.match(text.lower())
    unit = _BY_SPELLING.get(match.group(2).strip()) if match else None
    if match is None or unit is None:
        raise ValueError(f"cannot read target {text!r}: write e.g. 30m, 4h, 1 day, "
                         "8 working hours or 5 working days")
    amount = int(match.group(1))
    if not 0 < amount <= _MAX[unit]:
        raise ValueError(f"target {text!r} must be between 1 and {_MAX[unit]} {unit.value}")
    return Target(amount, unit)
