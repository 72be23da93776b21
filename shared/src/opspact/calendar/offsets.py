"""Dates a contract counts from another: "15 days", "10 working days" (the shared working-day
calendar: 调休 Saturdays count, holidays do not), "1 month" (the same day a month on, or
that month's last day when it is shorter)."""

from __future__ import annotations

import re
from datetime import date, timedelta

from opspact.calendar.workdays import WorkdayCalendar
from opspact.tenancy.term import add_months

OFFSET = re.compile(r"^(-?\d{1,4}) (working )?days?$")
MONTHS = re.compile(r"^(\d{1,2}) months?$")


def parse_offset(text: str) -> tuple[int, bool]:
    """"15 days" → (15, False); "10 working days" → (10, True)."""
    match = OFFSET.match(text.strip())
    if not match:
        raise ValueError(f"{text!r}: write e.g. '15 days', '10 working days' or '0 days'")
    return int(match.group(1)), bool(match.group(2))


def check_span(text: str) -> str:
    """A forward span in days, working days or months; raises ValueError naming the forms."""
    if MONTHS.match(text.strip()):
        return text
    try:
        days, _ = parse_offset(text)
    except ValueError:
        raise ValueError(f"{text!r}: write e.g. '15 days', '3 working days' or '1 month'") from None
    if days < 0:
        raise ValueError(f"{text!r} counts backwards; say before: instead")
    return text


def add_working_days(start: date, days: int, calendar: WorkdayCalendar) -> date:
    """The `days`-th working day after `start` (start itself not counted)."""
    day, counted = start, 0
    while counted < days:
        day += timedelta(days=1)
        if calendar.is_workday(day):
            counted += 1
    return day


def subtract_working_days(start: date, days: int, calendar: WorkdayCalendar) -> date:
    """The `days`-th working day before `start`."""
    day, counted = start, 0
    while counted < days:
        day -= timedelta(days=1)
        if calendar.is_workday(day):
            counted += 1
    return day


def offset(start: date, within: str, calendar: WorkdayCalendar) -> date:
    days, working = parse_offset(within)
    return add_working_days(start, days, calendar) if working else start + timedelta(days=days)


def shifted(start: date, span: str, calendar: WorkdayCalendar, backwards: bool = False) -> date:
    """`start` moved by `span` (see check_span) forwards, or backwards for "before"."""
    months = MONTHS.match(span.strip())
    if months:
        n = int(months.group(1))
        return add_months(start, -n if backwards else n)
    days, working = parse_offset(span)
    if working:
        return (subtract_working_days if backwards else add_working_days)(start, days, calendar)
    return start - timedelta(days=days) if backwards else start + timedelta(days=days)
