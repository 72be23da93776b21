"""Which inspection rounds are due when: a pure function of the tenant's schedules,
its working-day calendar and the heightened periods. Nothing is stored ahead of
time — a round gets a row when it is recorded or announced as missed — so a
schedule edited in the tenant file re-plans the future at once.

A round is named by its schedule and its due time in Shanghai local time,
`daily@2024-10-01T08:00`: readable on the phone and stable across re-plans."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from opspact.calendar import SHANGHAI, WorkdayCalendar
from ticketing.inspections.settings import Every, InspectionSettings, Schedule

_KEY = re.compile(r"^(?P<schedule>[a-z0-9][a-z0-9-]{0,31})@(?P<due>\d{4}-\d{2}-\d{2}T\d{2}:\d{2})$")
KEY_PATTERN = _KEY.pattern
MAX_PLAN_DAYS = 400  # a year's ledger and a little; keeps one request's work bounded


@dataclass(frozen=True)
class Item:
    key: str      # "<target>.<check>", e.g. "smart-station.service"
    target: str
    name: str


@dataclass(frozen=True)
class PlannedRound:
    schedule: Schedule
    due_at: datetime        # aware, Shanghai
    heightened: str | None  # the period's name when due on a heightened day

    @property
    def key(self) -> str:
        return round_key(self.schedule.code, self.due_at)


def round_key(schedule: str, due_at: datetime) -> str:
    return f"{schedule}@{due_at.astimezone(SHANGHAI).strftime('%Y-%m-%dT%H:%M')}"


def parse_key(key: str) -> tuple[str, datetime] | None:
    match = _KEY.match(key)
    if match is None:
        return None
    try:
        due = datetime.fromisoformat(match["due"]).replace(tzinfo=SHANGHAI)
    except ValueError:
        return None
    if due.year == 9999:  # no round is planned there, and due + 1 minute would overflow
        return None
    return match["schedule"], due


def checklist(settings: InspectionSettings, schedule: Schedule, names: dict[str, str],
              assets: Sequence[tuple[str, str, str]] = ()) -> list[Item]:
    """The round's items: each system target, and each asset (code, kind, name) of the
    kinds a part names, contributes its template's checks, named "<name>：<check>" so
    the ledger reads without a lookup. An item's key is "<target>.<check>"."""
    items = []
    for part in schedule.checklist:
        targets = [(t, names.get(t, t)) for t in part.targets]
        targets += [(code, name) for code, kind, name in assets if kind in part.asset_kinds]
        for target, name in targets:
            for check in settings.templates[part.template]:
                items.append(Item(f"{target}.{check.code}", target, f"{name}：{check.name}"))
    return items


def target_of(item: str) -> str:
    return item.rsplit(".", 1)[0]  # asset codes may hold dots; check codes do not


def heightened_on(settings: InspectionSettings, calendar: WorkdayCalendar, day: date) -> str | None:
    for period in settings.heightened.periods:
        if period.start <= day <= period.end:
            return period.name
    if settings.heightened.statutory_holidays:
        holiday = calendar.holiday_name(day)
        if holiday:
            return f"法定节假日（{holiday}）"
    return None


def _falls_on(schedule: Schedule, calendar: WorkdayCalendar, day: date) -> bool:
    match schedule.every:
        case Every.day:
            return True
        case Every.working_day:
            return calendar.is_workday(day)
        case Every.week:
            return day.isoweekday() == schedule.weekday
        case Every.month:
            return day.day == schedule.day_of_month
        case Every.half_year:
            return day.month in (1, 7) and day.day == schedule.day_of_month


def rounds(settings: InspectionSettings, calendar: WorkdayCalendar, start: datetime,
           end: datetime, schedule: str | None = None) -> Iterator[PlannedRound]:
    """Rounds due in [start, end), in due order. Raises CalendarMissing for a year the
    calendar does not know when a schedule or the heightened periods depend on it."""
    first = start.astimezone(SHANGHAI).date()
    last = end.astimezone(SHANGHAI).date()
    if (last - first).days > MAX_PLAN_DAYS:
        raise ValueError(f"plan at most {MAX_PLAN_DAYS} days at a time")
    chosen = [s for s in settings.schedules if schedule is None or s.code == schedule]
    day = first
    while day <= last:
        heightened = heightened_on(settings, calendar, day) if any(
            s.heightened_times for s in chosen) else None
        due = []
        for s in chosen:
            if not _falls_on(s, calendar, day):
                continue
            uses_heightened = heightened if s.heightened_times else None
            for at in s.clock_times(uses_heightened is not None):
                instant = datetime.combine(day, at, SHANGHAI)
                if start <= instant < end:
                    due.append(PlannedRound(s, instant, uses_heightened))
        yield from sorted(due, key=lambda r: (r.due_at, r.schedule.code))
        day += timedelta(days=1)


def planned(settings: InspectionSettings, calendar: WorkdayCalendar, key: str) -> PlannedRound | None:
    """The round `key` names, if the schedules plan it."""
    parsed = parse_key(key)
    if parsed is None:
        return None
    code, due = parsed
    if settings.schedule(code) is None:
        return None
    return next((r for r in rounds(settings, calendar, due, due + timedelta(minutes=1), code)
                 if r.due_at == due), None)
