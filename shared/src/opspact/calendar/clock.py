"""Counting contract time on a schedule: when is a target due, how much counted
time lies between two instants. All arithmetic is in Asia/Shanghai local time
(UTC+8 all year, no daylight saving), results are aware datetimes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from enum import Enum
from zoneinfo import ZoneInfo

from opspact.calendar.targets import Target, Unit
from opspact.calendar.workdays import WorkdayCalendar

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Walking further than this without finding enough working time means the
# calendar has (almost) no working days: fail loudly rather than loop.
_MAX_DAYS = 3 * 366


class Schedule(str, Enum):
    always = "7x24"
    working_days = "working days"  # whole working days, 00:00–24:00
    working_hours = "working hours"  # the tenant's working-hours windows on working days


def schedule_for(target: Target, default: Schedule = Schedule.always) -> Schedule:
    """Working targets carry their schedule; plain durations run on the policy's."""
    if target.unit is Unit.working_days:
        return Schedule.working_days
    if target.unit is Unit.working_hours:
        return Schedule.working_hours
    return default


def minute_text(instant: datetime | None) -> str:
    """An instant as people read it in the documents and messages: 2025-03-01 09:00
    (Asia/Shanghai); "" for none."""
    return instant.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") if instant else ""


def _local(instant: datetime) -> datetime:
    if instant.tzinfo is None:
        raise ValueError("instants must carry a time zone")
    return instant.astimezone(SHANGHAI).replace(tzinfo=None)


def _intervals(calendar: WorkdayCalendar, schedule: Schedule,
               first: date) -> Iterator[tuple[datetime, datetime]]:
    """Working intervals (naive local) from `first` on, in order."""
    for offset in range(_MAX_DAYS):
        day = first + timedelta(days=offset)
        if not calendar.is_workday(day):
            continue
        if schedule is Schedule.working_days:
            yield datetime.combine(day, time()), datetime.combine(day + timedelta(days=1), time())
        else:
            for start, end in calendar.settings.windows():
                yield datetime.combine(day, start), datetime.combine(day, end)
    raise ValueError(f"no working time within {_MAX_DAYS} days of {first}")


def add(start: datetime, counted: timedelta, schedule: Schedule,
        calendar: WorkdayCalendar) -> datetime:
    """The instant at which `counted` working time has run on `schedule` since `start`.
    Raises CalendarMissing when the walk enters a year the calendar does not know."""
    if counted < timedelta(0):
        raise ValueError("counted time cannot be negative")
    if schedule is Schedule.always:
        return start.astimezone(SHANGHAI) + counted
    local = _local(start)
    if counted == timedelta(0):
        return start.astimezone(SHANGHAI)
    remaining = counted
    for begin, end in _intervals(calendar, schedule, local.date()):
        if end <= local:
            continue
        begin = max(begin, local)
        if remaining <= end - begin:
            return (begin + remaining).replace(tzinfo=SHANGHAI)
        remaining -= end - begin
    raise AssertionError("unreachable: _intervals raises when it runs out")


def due(start: datetime, target: Target, calendar: WorkdayCalendar,
        default: Schedule = Schedule.always) -> datetime:
    return add(start, target.counted(), schedule_for(target, default), calendar)


def elapsed(start: datetime, end: datetime, schedule: Schedule,
            calendar: WorkdayCalendar) -> timedelta:
    """Working time on `schedule` between two instants (zero if end <= start)."""
    if end <= start:
        return timedelta(0)
    if schedule is Schedule.always:
        return end - start
    local_start, local_end = _local(start), _local(end)
    total = timedelta(0)
    for begin, finish in _intervals(calendar, schedule, local_start.date()):
        if begin >= local_end:
            break
        overlap = min(finish, local_end) - max(begin, local_start)
        if overlap > timedelta(0):
            total += overlap
    return total
