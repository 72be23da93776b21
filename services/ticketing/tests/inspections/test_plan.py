"""The inspection plan: which rounds are due when, across holidays and heightened
periods, for the schedules as the tenant files write them."""

from datetime import datetime, timedelta
from pathlib import Path

import pytest
import yaml
from opspact.calendar import SHANGHAI, CalendarMissing, WorkdayCalendar
from pydantic import ValidationError
from ticketing.inspections import plan
from ticketing.inspections.settings import InspectionSettings
from ticketing.tenant_settings import TicketingTenantSettings

TENANTS = Path(__file__).parents[4] / "deploy" / "tenants"


def tenant(slug: str) -> TicketingTenantSettings:
    document = yaml.safe_load((TENANTS / f"{slug}.yaml").read_text())
    return TicketingTenantSettings.model_validate(document["services"]["ticketing"])


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def day_plan(settings: TicketingTenantSettings, first: str, last: str) -> dict[str, list[str]]:
    rounds = plan.rounds(settings.inspections, WorkdayCalendar(settings.calendar), at(first),
                         at(last) + timedelta(days=1))
    by_day: dict[str, list[str]] = {}
    for r in rounds:
        by_day.setdefault(r.due_at.date().isoformat(), []).append(r.due_at.strftime("%H:%M"))
    return by_day


def test_zhuhai_inspects_three_times_a_day_over_national_day():
    by_day = day_plan(tenant("zhuhai"), "2024-09-29", "2024-10-08")
    thrice = ["08:00", "13:00", "19:00"]
    assert by_day["2024-09-29"] == ["09:00"]  # a Sunday worked (调休): an ordinary day
    assert by_day["2024-09-30"] == ["09:00"]
    for day in range(1, 8):
        assert by_day[f"2024-10-0{day}"] == thrice
    assert by_day["2024-10-08"] == ["09:00"]
    assert sum(map(len, by_day.values())) == 3 + 21


def test_heightened_rounds_name_their_period():
    settings = tenant("zhuhai")
    calendar = WorkdayCalendar(settings.calendar)
    gaokao = list(plan.rounds(settings.inspections, calendar, at("2024-06-07T00:00"),
                              at("2024-06-08T00:00")))
    assert [r.heightened for r in gaokao] == ["2024年高考安保"] * 3
    national = list(plan.rounds(settings.inspections, calendar, at("2024-10-01T00:00"),
                                at("2024-10-01T09:00")))
    assert national[0].heightened == "法定节假日（National Day）"
    ordinary = list(plan.rounds(settings.inspections, calendar, at("2024-10-09T00:00"),
                                at("2024-10-10T00:00")))
    assert [r.heightened for r in ordinary] == [None]


def test_working_days_and_weekly_rounds():
    by_day = day_plan(tenant("xinxiang"), "2024-09-28", "2024-10-13")
    # Working days only, 调休 Sunday 2024-09-29 and Saturday 2024-10-12 included.
    assert "2024-09-29" in by_day and "2024-10-12" in by_day
    assert not any(f"2024-10-0{d}" in by_day for d in (1, 3, 4, 5, 6, 7))
    # Terminals every Wednesday at 15:00, on the holiday too (the schedule says week).
    assert by_day["2024-10-02"] == ["15:00"]
    assert by_day["2024-10-09"] == ["09:30", "15:00"]


def test_month_and_half_year():
    settings = InspectionSettings.model_validate({
        "templates": {"t": [{"code": "c", "name": "检查"}]},
        "schedules": [
            {"code": "m", "name": "月度", "every": "month", "day_of_month": 5, "times": ["10:00"],
             "checklist": [{"template": "t", "targets": ["s"]}]},
            {"code": "h", "name": "半年", "every": "half_year", "day_of_month": 1, "times": ["10:00"],
             "checklist": [{"template": "t", "targets": ["s"]}]}]})
    rounds = list(plan.rounds(settings, WorkdayCalendar(), at("2025-01-01T00:00"), at("2026-01-01T00:00")))
    assert [r.key for r in rounds if r.schedule.code == "h"] == ["h@2025-01-01T10:00", "h@2025-07-01T10:00"]
    assert len([r for r in rounds if r.schedule.code == "m"]) == 12


def test_round_keys_read_back_and_only_planned_rounds_exist():
    settings = tenant("zhuhai")
    calendar = WorkdayCalendar(settings.calendar)
    assert plan.parse_key("daily@2024-10-01T08:00") == ("daily", at("2024-10-01T08:00"))
    for bad in ("daily@2024-13-01T08:00", "daily-2024-10-01", "Daily@2024-10-01T08:00"):
        assert plan.parse_key(bad) is None
    assert plan.planned(settings.inspections, calendar, "daily@2024-10-01T08:00") is not None
    # 09:00 is the ordinary time: on a holiday it is replaced, not added to
    assert plan.planned(settings.inspections, calendar, "daily@2024-10-01T09:00") is None
    assert plan.planned(settings.inspections, calendar, "weekly@2024-10-01T08:00") is None


def test_checklist_names_each_target():
    settings = tenant("zhuhai")
    items = plan.checklist(settings.inspections, settings.inspections.schedules[0],
                           {s.code: s.name for s in settings.systems})
    assert items[0].key == "smart-station.functions"
    assert items[0].name == "智慧派出所系统：功能运行情况（按功能建设清单）"
    assert len(items) == 4 + 2 + 2


def test_assets_of_the_named_kinds_contribute_items():
    settings = tenant("xinxiang")
    daily = settings.inspections.schedule("daily")
    assets = [("app-01", "server", "应用服务器 1"), ("sw-01", "network", "交换机"),
              ("db.main", "server", "数据库服务器")]
    items = plan.checklist(settings.inspections, daily, {s.code: s.name for s in settings.systems}, assets)
    keys = [i.key for i in items]
    assert "app-01.cpu" in keys and "db.main.disk" in keys and not any(k.startswith("sw-01") for k in keys)
    assert plan.target_of("db.main.disk") == "db.main"
    assert next(i for i in items if i.key == "app-01.cpu").name == "应用服务器 1：CPU与内存"


def test_a_part_names_systems_or_asset_kinds_not_both():
    with pytest.raises(ValidationError, match="either targets"):
        InspectionSettings.model_validate({
            "templates": {"t": [{"code": "c", "name": "检查"}]},
            "schedules": [{"code": "d", "name": "日", "every": "day", "times": ["09:00"],
                           "checklist": [{"template": "t"}]}]})


def test_a_year_the_calendar_lacks_is_said_not_guessed():
    settings = tenant("zhuhai")
    with pytest.raises(CalendarMissing):
        list(plan.rounds(settings.inspections, WorkdayCalendar(settings.calendar),
                         at("2031-01-01T00:00"), at("2031-01-02T00:00")))


@pytest.mark.parametrize(("change", "needle"), [
    ({"times": ["9:00"]}, "HH:MM"),
    ({"times": ["13:00", "08:00"]}, "in order"),
    ({"every": "week"}, "weekday"),
    ({"checklist": [{"template": "nope", "targets": ["smart-station"]}]}, "unknown template"),
    ({"checklist": [{"template": "functions", "targets": ["no-such-system"]}]}, "unknown systems"),
])
def test_bad_schedules_are_refused(change, needle):
    document = yaml.safe_load((TENANTS / "zhuhai.yaml").read_text())["services"]["ticketing"]
    document["inspections"]["schedules"][0].update(change)
    with pytest.raises(ValidationError, match=needle):
        TicketingTenantSettings.model_validate(document)
