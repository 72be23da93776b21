"""Report periods: a contract's year is its service year ("2023年度" of a term starting
2023-11-09 runs to 2024-11-08); without a term, the calendar year."""

from datetime import date

from ticketing.reports import periods

ZHUHAI = date(2023, 11, 9)
XINJIANG = date(2024, 12, 16)


def test_a_service_year_is_named_by_the_year_it_starts_in():
    year = periods.parse("annual", "2023", ZHUHAI)
    assert (year.first, year.last) == (date(2023, 11, 9), date(2024, 11, 8))
    assert year.label == "2023年度（2023年11月9日至2024年11月8日）"
    # xinjiang's "2024年度" project is the year from 2024-12-16, not 16 days of 2024
    assert periods.parse("annual", "2024", XINJIANG).last == date(2025, 12, 15)
    assert periods.containing("annual", date(2024, 11, 8), ZHUHAI) == "2023"
    assert periods.containing("annual", date(2024, 11, 9), ZHUHAI) == "2024"
    assert periods.current("annual", date(2024, 12, 1), ZHUHAI) == "2023"
    assert [p.code for p in periods.overlapping("annual", date(2023, 11, 9), date(2024, 11, 8), ZHUHAI)] \
        == ["2023"]


def test_half_years_split_the_service_year():
    h1, h2 = periods.parse("half_yearly", "2023-H1", ZHUHAI), periods.parse("half_yearly", "2023-H2", ZHUHAI)
    assert (h1.first, h1.last, h2.first, h2.last) == (
        date(2023, 11, 9), date(2024, 5, 8), date(2024, 5, 9), date(2024, 11, 8))
    assert h1.label == "2023年度上半年（2023年11月9日至2024年5月8日）"
    assert periods.containing("half_yearly", date(2024, 5, 9), ZHUHAI) == "2023-H2"
    assert periods.containing("half_yearly", date(2024, 11, 9), ZHUHAI) == "2024-H1"
    calendar = periods.parse("half_yearly", "2025-H2")
    assert (calendar.first, calendar.last) == (date(2025, 7, 1), date(2025, 12, 31))
    assert [p.code for p in periods.overlapping("half_yearly", date(2023, 11, 9), date(2024, 11, 8),
                                                ZHUHAI)] == ["2023-H1", "2023-H2"]


def test_without_a_term_a_year_is_the_calendar_year_and_leap_days_fall_back():
    assert (periods.parse("annual", "2025").first, periods.parse("annual", "2025").last) == (
        date(2025, 1, 1), date(2025, 12, 31))
    leap = periods.parse("annual", "2025", date(2024, 2, 29))
    assert (leap.first, leap.last) == (date(2025, 2, 28), date(2026, 2, 27))
    assert periods.service_year_start({"contract": {"term": {"start": "2023-11-09"}}}) == ZHUHAI
    assert periods.service_year_start({"contract": {"term": {"basis": "自验收合格之日起一年"}}}) is None
