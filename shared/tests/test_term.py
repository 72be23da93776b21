"""A term that starts when something is recorded: its dates from the event's day."""

from datetime import date

from opspact.tenancy.registry import with_recorded_term
from opspact.tenancy.term import add_months, term_from

WUQIA = {"basis": "自验收合格之日起一年", "starts_with": "acceptance", "months": 12}


def test_one_year_from_acceptance_ends_the_day_before_its_anniversary():
    assert term_from(WUQIA, "acceptance", date(2024, 3, 10))["end"] == "2025-03-09"
    assert term_from(WUQIA, "acceptance", date(2024, 2, 29))["end"] == "2025-02-27"
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert term_from(WUQIA, "delivery", date(2024, 3, 10)) is None  # not what starts it
    assert term_from({"start": "2024-01-01", "end": "2024-12-31"}, "acceptance", date(2024, 3, 10)) is None


def test_the_recorded_dates_fill_the_applied_slice_without_changing_it():
    applied = {"name": "x", "contract": {"title": "t", "term": dict(WUQIA)}}
    merged = with_recorded_term(applied, {"start": "2024-03-10", "end": "2025-03-09"})
    assert merged["contract"]["term"]["start"] == "2024-03-10"
    assert merged["contract"]["term"]["basis"] == WUQIA["basis"]
    assert "start" not in applied["contract"]["term"]
    assert with_recorded_term(applied, None) is applied
