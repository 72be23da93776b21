"""Which years of a contract's term the working-day calendar cannot count.

A year missing here is not an error at apply time — the State Council publishes
each year's holidays only in the late autumn before — but every working-day
deadline in it will be `calendar_missing`, so `opspact tenant apply` says so."""

from __future__ import annotations

from datetime import date

from opspact.calendar.workdays import CalendarSettings, WorkdayCalendar


def missing_years(start: date | None, end: date | None, settings: CalendarSettings) -> list[int]:
    if start is None or end is None:
        return []
    calendar = WorkdayCalendar(settings)
    return [year for year in range(start.year, end.year + 1) if not calendar.covers(year)]


def coverage_warning(slug: str, start: date | None, end: date | None,
                     settings: CalendarSettings) -> str | None:
    years = missing_years(start, end, settings)
    if not years:
        return None
    listed = ", ".join(map(str, years))
    return (f"{slug}: the contract runs to {end.isoformat()} but the working-day calendar has "
            f"no data for {listed}; working-day deadlines there will show calendar_missing "
            f"until services.ticketing.calendar.years.{years[0]} is added from the State "
            f"Council notice (国务院办公厅关于{years[0]}年部分节假日安排的通知)")
