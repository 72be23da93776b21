"""Which dates are working days in mainland China, and for which years we know.

`chinesecalendar` carries the State Council's holiday notices (statutory holidays
and the weekend days moved to working days, 调休) for the years it covers. Each
year's notice is published in November or December for the year after, so a
contract running past the library's last year needs the tenant to add that year
by hand; until then the year is *missing*, and asking about it is an error, never
a silent weekends-only guess.
"""

from __future__ import annotations

from datetime import date, time

import chinese_calendar
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


class CalendarMissing(LookupError):
    def __init__(self, year: int) -> None:
        super().__init__(
            f"no working-day calendar for {year}: chinesecalendar knows "
            f"{LIBRARY_YEARS[0]}–{LIBRARY_YEARS[1]}; add {year}'s holidays and adjusted working "
            f"days (调休) under services.ticketing.calendar.years.{year} in the tenant file, "
            f"from the State Council notice (国务院办公厅关于{year}年部分节假日安排的通知)")
        self.year = year


def _library_years() -> tuple[int, int]:
    known = [d.year for d in chinese_calendar.constants.holidays]
    return min(known), max(known)


LIBRARY_YEARS = _library_years()


class CalendarYear(BaseModel):
    """One year's notice, as a tenant adds it: days off, and weekend days worked."""

    model_config = ConfigDict(extra="forbid")
    holidays: list[date] = Field(default_factory=list, description="statutory days off (放假)")
    workdays: list[date] = Field(default_factory=list,
                                 description="weekend days that are working days (调休上班)")

    @model_validator(mode="after")
    def _disjoint(self) -> CalendarYear:
        both = set(self.holidays) & set(self.workdays)
        if both:
            raise ValueError(f"dates both holiday and working day: {sorted(map(str, both))}")
        return self


class CalendarSettings(BaseModel):
    """A tenant's calendar: its working hours and the years it adds or corrects."""

    model_config = ConfigDict(extra="forbid")
    working_hours: list[str] = Field(default_factory=lambda: ["09:00-18:00"],
                                     description="HH:MM-HH:MM windows of a working day")
    years: dict[int, CalendarYear] = Field(default_factory=dict)

    @field_validator("working_hours")
    @classmethod
    def _windows(cls, windows: list[str]) -> list[str]:
        if not windows:
            raise ValueError("at least one working-hours window is needed")
        parsed = [_window(w) for w in windows]
        for (_, end), (start, _) in zip(parsed, parsed[1:], strict=False):
            if start < end:
                raise ValueError("working-hours windows must be in order and not overlap")
        return windows

    @model_validator(mode="after")
    def _dates_in_their_year(self) -> CalendarSettings:
        for year, notice in self.years.items():
            if not 2000 <= year <= 2100:
                raise ValueError(f"calendar year {year} is out of range")
            stray = [d for d in notice.holidays + notice.workdays if d.year != year]
            if stray:
                raise ValueError(f"calendar year {year} lists dates of another year: "
                                 f"{sorted(map(str, stray))}")
        return self

    def windows(self) -> list[tuple[time, time]]:
        return [_window(w) for w in self.working_hours]


def _window(text: str) -> tuple[time, time]:
    try:
        start, end = (time.fromisoformat(part.strip()) for part in text.split("-"))
    except ValueError as exc:
        raise ValueError(f"working hours {text!r} must read HH:MM-HH:MM") from exc
    if start >= end:
        raise ValueError(f"working hours {text!r} end before they start")
    return start, end


class WorkdayCalendar:
    def __init__(self, settings: CalendarSettings | None = None) -> None:
        self.settings = settings or CalendarSettings()
        self._tenant_years = {
            year: (frozenset(n.holidays), frozenset(n.workdays))
            for year, n in self.settings.years.items()}

    def covers(self, year: int) -> bool:
        return year in self._tenant_years or LIBRARY_YEARS[0] <= year <= LIBRARY_YEARS[1]

    def is_workday(self, day: date) -> bool:
        """Raises CalendarMissing for a year neither the library nor the tenant knows."""
        notice = self._tenant_years.get(day.year)
        if notice is not None:  # the tenant's year wins: it may correct the library
            holidays, workdays = notice
            if day in workdays:
                return True
            return day.weekday() < 5 and day not in holidays
        if not self.covers(day.year):
            raise CalendarMissing(day.year)
        return chinese_calendar.is_workday(day)

    def holiday_name(self, day: date) -> str | None:
        """The statutory holiday `day` belongs to (e.g. "National Day"), "holiday" for a
        tenant-added one, None for a working day or an ordinary weekend. Raises
        CalendarMissing for a year neither the library nor the tenant knows."""
        notice = self._tenant_years.get(day.year)
        if notice is not None:
            return "holiday" if day in notice[0] else None
        if not self.covers(day.year):
            raise CalendarMissing(day.year)
        on_holiday, name = chinese_calendar.get_holiday_detail(day)
        return name if on_holiday and name else None
