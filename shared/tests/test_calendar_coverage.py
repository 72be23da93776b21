"""`opspact tenant apply` warns about contract years the calendar cannot count."""

from datetime import date
from pathlib import Path

from opspact.calendar import CalendarSettings
from opspact.calendar.coverage import coverage_warning, missing_years
from opspact.cli.stack import repo_root
from opspact.cli.tenant import calendar_warnings


def test_beijing_is_the_tenant_running_into_2027():
    warnings = calendar_warnings(repo_root() / "deploy" / "tenants")
    assert len(warnings) == 1 and warnings[0].startswith("beijing:")
    assert "2027" in warnings[0] and "calendar.years.2027" in warnings[0]


def test_a_tenant_year_closes_the_gap():
    term = (date(2026, 5, 29), date(2027, 5, 28))
    assert missing_years(*term, CalendarSettings()) == [2027]
    added = CalendarSettings.model_validate({"years": {2027: {"holidays": ["2027-01-01"]}}})
    assert missing_years(*term, added) == []
    assert coverage_warning("beijing", *term, added) is None
    assert missing_years(None, date(2030, 1, 1), CalendarSettings()) == []


def test_single_file_path_works(tmp_path: Path):
    source = repo_root() / "deploy" / "tenants" / "xinjiang.yaml"
    assert calendar_warnings(source) == []
