"""Required post windows and roster gaps, across the 2025 National Day week."""

from datetime import date, datetime, time

import pytest
from inventory.people.coverage import gaps, required_windows
from inventory.people.service import contract_year
from inventory.watch import split_at_midnight
from opspact.calendar import SHANGHAI, WorkdayCalendar

CAL = WorkdayCalendar()
HOURS = (time(9), time(17))


def at(day: int, hour: int = 0, month: int = 10) -> datetime:
    return datetime(2025, month, day, hour, tzinfo=SHANGHAI)


def days(windows) -> list[int]:
    return [w[0].day for w in windows]


def test_5x8_skips_the_holiday_week_and_counts_the_adjusted_saturday():
    # 2025: 1–8 Oct off; Sat 11 Oct is a working day (调休)
    windows = required_windows("5x8", HOURS, CAL, at(1), at(13))
    assert days(windows) == [9, 10, 11]
    assert windows[0] == (at(9, 9), at(9, 17))


def test_off_days_are_the_holiday_week_and_the_sunday():
    assert days(required_windows("off_days", HOURS, CAL, at(1), at(13))) == [
        1, 2, 3, 4, 5, 6, 7, 8, 12]


def test_7x24_is_one_window_and_clipped_to_the_period():
    assert required_windows("7x24", HOURS, CAL, at(1, 6), at(3, 6)) == [(at(1, 6), at(3, 6))]


def test_gaps_count_people_per_moment():
    windows = [(at(9, 9), at(9, 17))]
    shifts = [(at(9, 9), at(9, 13)), (at(9, 9), at(9, 17)), (at(9, 13), at(9, 16))]
    found = gaps("hq", 2, windows, shifts)
    assert [(g.starts_at.hour, g.ends_at.hour, g.covered) for g in found] == [(16, 17, 1)]
    assert gaps("hq", 1, windows, []) [0].covered == 0


@pytest.mark.parametrize(("today", "year"), [
    (date(2024, 12, 16), 1), (date(2025, 12, 15), 1), (date(2025, 12, 16), 2),
    (date(2024, 12, 1), 1)])
def test_contract_year(today, year):
    assert contract_year(date(2024, 12, 16), today) == year


def test_gaps_are_cut_at_shanghai_midnight():
    start = datetime(2026, 11, 20, 18, 0, tzinfo=SHANGHAI)
    end = datetime(2026, 11, 22, 6, 0, tzinfo=SHANGHAI)
    parts = split_at_midnight(start, end)
    assert [(a.day, a.hour, b.day, b.hour) for a, b in parts] == [
        (20, 18, 21, 0), (21, 0, 22, 0), (22, 0, 22, 6)]
    assert split_at_midnight(start, start) == []
