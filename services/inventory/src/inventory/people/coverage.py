"""What a post requires, and where the roster falls short of it.

Coverage of a post: `5x8` working days (statutory holidays off, 调休 weekend days on)
within its hours; `7x8` every day within its hours; `7x24` all the time; `off_days`
weekends and holidays within its hours (xinjiang: someone on site when the office is
closed). Every required moment needs `headcount` people on shift for that post."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from opspact.calendar import SHANGHAI, WorkdayCalendar


@dataclass(frozen=True)
class Gap:
    post: str
    starts_at: datetime
    ends_at: datetime
    required: int
    covered: int


def required_windows(coverage: str, hours: tuple[time, time], calendar: WorkdayCalendar,
                     start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    windows = []
    day = start.astimezone(SHANGHAI).date() - timedelta(days=1)
    last = (end - timedelta(microseconds=1)).astimezone(SHANGHAI).date()  # `end` is excluded
    while day <= last:
        if coverage == "7x24":
            window = (_at(day, time()), _at(day + timedelta(days=1), time()))
        else:
            working = calendar.is_workday(day)
            wanted = {"5x8": working, "7x8": True, "off_days": not working}[coverage]
            window = (_at(day, hours[0]), _at(day, hours[1])) if wanted else None
        if window is not None:
            a, b = max(window[0], start), min(window[1], end)
            if a < b:
                windows.append((a, b))
        day += timedelta(days=1)
    return _merge(windows)


def gaps(post: str, headcount: int, windows: list[tuple[datetime, datetime]],
         shifts: list[tuple[datetime, datetime]]) -> list[Gap]:
    """Sub-intervals of the windows where fewer than headcount shifts overlap."""
    found: list[Gap] = []
    for w_start, w_end in windows:
        cuts = sorted({w_start, w_end} | {t for s, e in shifts for t in (s, e)
                                          if w_start < t < w_end})
        for a, b in zip(cuts, cuts[1:], strict=False):
            covered = sum(1 for s, e in shifts if s <= a and e >= b)
            if covered < headcount:
                if found and found[-1].ends_at == a and found[-1].covered == covered:
                    last = found.pop()
                    found.append(Gap(post, last.starts_at, b, headcount, covered))
                else:
                    found.append(Gap(post, a, b, headcount, covered))
    return found


def _at(day: date, moment: time) -> datetime:
    return datetime.combine(day, moment, tzinfo=SHANGHAI)


def _merge(windows: list[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    merged: list[tuple[datetime, datetime]] = []
    for a, b in sorted(windows):
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged
