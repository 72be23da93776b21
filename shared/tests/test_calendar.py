"""Contract clocks on Chinese working-day calendars.

The table's expectations are worked out by hand from the State Council notices
(2025 National Day + Mid-Autumn: Oct 1–8 off, Sun Sep 28 and Sat Oct 11 worked;
2026 Spring Festival: Feb 15–23 off, Sat Feb 14 and Sat Feb 28 worked)."""

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from opspact.calendar import (
    SHANGHAI,
    CalendarMissing,
    CalendarSettings,
    Schedule,
    WorkdayCalendar,
    due,
    elapsed,
    parse_target,
)
from opspact.calendar.targets import Unit


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(SHANGHAI)


CASES = [
    # start (any offset)             target             expected due (Shanghai)
    ("2025-09-26T16:00+08:00", "5 working days", "2025-10-10T16:00+08:00"),  # Fri before National Day
    ("2025-09-26T08:00+00:00", "5 working days", "2025-10-10T16:00+08:00"),  # same instant in UTC
    ("2025-09-26T16:00+08:00", "4h", "2025-09-26T20:00+08:00"),
    ("2025-09-26T16:00+08:00", "8 working hours", "2025-09-28T15:00+08:00"),  # 2 h Fri, 6 h on 调休 Sun
    ("2025-09-30T17:00+08:00", "2 working hours", "2025-10-09T10:00+08:00"),  # across the holiday
    ("2025-10-03T10:00+08:00", "1 working day", "2025-10-10T00:00+08:00"),  # starts in the holiday
    ("2025-10-10T12:00+08:00", "1 working day", "2025-10-11T12:00+08:00"),  # Sat Oct 11 is worked
    ("2026-02-13T17:00+08:00", "2 working days", "2026-02-24T17:00+08:00"),  # Spring Festival 2026
    ("2026-02-13T17:30+08:00", "1 working hour", "2026-02-14T09:30+08:00"),  # 调休 Sat Feb 14
    ("2025-12-31T23:50+08:00", "30m", "2026-01-01T00:20+08:00"),
    ("2025-12-31T20:00+08:00", "1 day", "2026-01-01T20:00+08:00"),  # 7×24 ignores the holiday
    ("2025-09-27T10:00+08:00", "30 分钟", "2025-09-27T10:30+08:00"),
    ("2025-09-26T16:00+08:00", "5个工作日", "2025-10-10T16:00+08:00"),
]


@pytest.mark.parametrize(("start", "target", "expected"), CASES)
def test_due(start, target, expected):
    assert due(at(start), parse_target(target), WorkdayCalendar()) == at(expected)


def test_plain_duration_on_a_working_hours_policy():
    # a policy on working hours counts `4h` as four working hours
    got = due(at("2025-09-26T16:00+08:00"), parse_target("4h"), WorkdayCalendar(),
              default=Schedule.working_hours)
    assert got == at("2025-09-28T11:00+08:00")


def test_a_year_without_calendar_data_is_an_error_naming_it():
    with pytest.raises(CalendarMissing) as info:
        due(at("2026-12-30T10:00+08:00"), parse_target("5 working days"), WorkdayCalendar())
    assert info.value.year == 2027
    assert "2027" in str(info.value) and "调休" in str(info.value)


def test_seven_by_24_never_needs_calendar_data():
    assert due(at("2027-03-01T10:00+08:00"), parse_target("4h"), WorkdayCalendar()) \
        == at("2027-03-01T14:00+08:00")


def test_tenant_adds_a_year():
    calendar = WorkdayCalendar(CalendarSettings(years={2027: {
        "holidays": ["2027-01-01"], "workdays": ["2027-01-02"]}}))
    assert calendar.covers(2027)
    # Thu Dec 31 2026 10:00 + 2 working days: Fri Jan 1 off, Sat Jan 2 worked, Mon Jan 4
    assert due(at("2026-12-31T10:00+08:00"), parse_target("2 working days"), calendar) \
        == at("2027-01-04T10:00+08:00")


def test_tenant_year_corrects_the_library():
    calendar = WorkdayCalendar(CalendarSettings(years={2025: {"holidays": ["2025-09-29"]}}))
    assert not calendar.is_workday(date(2025, 9, 29))
    assert not calendar.is_workday(date(2025, 9, 28))  # the tenant's year is taken whole


@pytest.mark.parametrize("text", ["", "4", "h", "-4h", "0h", "4 fortnights", "1.5h", "100000 days",
                                  "4h\x00", "五个工作日"])
def test_bad_targets_are_refused(text):
    with pytest.raises(ValueError):
        parse_target(text)


@pytest.mark.parametrize(("text", "amount", "unit"), [
    ("30m", 30, Unit.minutes), ("4 H", 4, Unit.hours), ("1 day", 1, Unit.days),
    ("5 working days", 5, Unit.working_days), ("8 working hours", 8, Unit.working_hours),
    ("2小时", 2, Unit.hours), ("1天", 1, Unit.days)])
def test_targets_read(text, amount, unit):
    target = parse_target(text)
    assert (target.amount, target.unit) == (amount, unit)


@pytest.mark.parametrize("bad", [
    {"working_hours": ["18:00-09:00"]}, {"working_hours": ["9-18"]}, {"working_hours": []},
    {"working_hours": ["09:00-12:00", "11:00-18:00"]},
    {"years": {2027: {"holidays": ["2026-12-31"]}}},
    {"years": {2027: {"holidays": ["2027-01-01"], "workdays": ["2027-01-01"]}}},
])
def test_bad_calendar_settings_are_refused(bad):
    with pytest.raises(ValueError):
        CalendarSettings.model_validate(bad)


# -- properties ---------------------------------------------------------------
starts = st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2026, 6, 30)) \
    .map(lambda d: d.replace(tzinfo=SHANGHAI))
working_targets = st.builds(lambda n, unit: parse_target(f"{n} {unit}"),
                            st.integers(1, 40), st.sampled_from(["working days", "working hours"]))
lunch_break = WorkdayCalendar(CalendarSettings(working_hours=["09:00-12:00", "13:30-18:00"]))
calendars = st.sampled_from([WorkdayCalendar(), lunch_break])


@settings(max_examples=300, deadline=None)
@given(start=starts, target=working_targets, calendar=calendars)
def test_deadline_lands_at_the_end_of_working_time(start, target, calendar):
    got = due(start, target, calendar)
    schedule = Schedule.working_days if target.unit is Unit.working_days else Schedule.working_hours
    tick = timedelta(microseconds=1)
    # the clock was running right up to the deadline: never due in non-working time
    assert elapsed(got - tick, got, schedule, calendar) == tick
    assert elapsed(start, got, schedule, calendar) == target.counted()


@settings(max_examples=200, deadline=None)
@given(start=starts, later=st.timedeltas(timedelta(0), timedelta(days=20)),
       n=st.integers(1, 30), more=st.integers(0, 10),
       unit=st.sampled_from(["working days", "working hours", "h", "m"]))
def test_deadline_is_monotonic_in_start_and_target(start, later, n, more, unit):
    calendar = WorkdayCalendar()
    small, large = parse_target(f"{n} {unit}"), parse_target(f"{n + more} {unit}")
    assert due(start, small, calendar) <= due(start, large, calendar)
    assert due(start, small, calendar) <= due(start + later, small, calendar)
