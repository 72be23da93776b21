"""Quiet hours, frequency limits, quota and the tenant file's rules, each on its own."""

from datetime import UTC, date, datetime

import pytest
from notify import policy, routing
from notify.tenant_settings import AfterQuota, Frequency, NotifyTenantSettings, QuietHours
from pydantic import ValidationError

NIGHT = QuietHours.parse("22:00-07:00")


def shanghai(h: int, m: int = 0, day: int = 21) -> datetime:
    return datetime(2026, 11, day, h, m, tzinfo=UTC).replace(hour=(h - 8) % 24, day=day - (h < 8))


def test_quiet_hours_cross_midnight():
    assert policy.quiet_until(NIGHT, shanghai(21, 59)) is None
    until = policy.quiet_until(NIGHT, shanghai(23, 30))
    assert until.isoformat() == "2026-11-22T07:00:00+08:00"
    assert policy.quiet_until(NIGHT, shanghai(3, 0, day=22)).isoformat() == "2026-11-22T07:00:00+08:00"
    assert policy.quiet_until(NIGHT, shanghai(7, 0, day=22)) is None
    lunch = QuietHours.parse("12:00-13:30")
    assert policy.quiet_until(lunch, shanghai(12, 45)).isoformat() == "2026-11-21T13:30:00+08:00"


def test_quiet_hours_written_wrong():
    for text in ("22-07", "25:00-07:00", "07:00-07:00"):
        with pytest.raises(ValueError):
            QuietHours.parse(text)


def test_frequency_limits_default_1_5_10():
    limits = Frequency()
    assert policy.over_frequency(limits, 0, 4, 9) is None
    assert "last minute" in policy.over_frequency(limits, 1, 1, 1)
    assert "last hour" in policy.over_frequency(limits, 0, 5, 5)
    assert "24 hours" in policy.over_frequency(limits, 0, 0, 10)


def test_quota_behaviour_after_it_is_used_up():
    assert policy.quota_blocks(AfterQuota.stop, 9, 10, urgent=True) is None
    assert policy.quota_blocks(AfterQuota.carry_on, 10, 10, urgent=False) is None
    assert policy.quota_blocks(AfterQuota.urgent_only, 10, 10, urgent=True) is None
    assert "10 of 10" in policy.quota_blocks(AfterQuota.urgent_only, 10, 10, urgent=False)
    assert policy.quota_blocks(AfterQuota.stop, 11, 10, urgent=True)
    assert policy.quota_blocks(AfterQuota.stop, 11, None, urgent=False) is None


def test_contract_year_start():
    start = date(2026, 5, 29)  # beijing
    assert policy.contract_year_start(start, date(2026, 11, 22)) == date(2026, 5, 29)
    assert policy.contract_year_start(start, date(2027, 5, 28)) == date(2026, 5, 29)
    assert policy.contract_year_start(start, date(2027, 5, 29)) == date(2027, 5, 29)
    assert policy.contract_year_start(None, date(2026, 11, 22)) == date(2026, 1, 1)
    assert policy.contract_year_start(date(2024, 2, 29), date(2025, 3, 1)) == date(2025, 2, 28)


def settings(**changes) -> dict:
    base = {"contacts": [{"code": "pm", "name": "项目经理", "mobile": "13800000011"}],
            "rules": [{"name": "r", "events": ["ticketing.ticket.created.v1"], "template": "ticket_created",
                       "levels": [{"to": ["on_duty"], "otherwise": ["contact:pm"], "channels": ["sms"]},
                                  {"after_minutes": 15, "to": ["contact:pm"], "channels": ["sms"]}]}]}
    base.update(changes)
    return base


def test_a_sound_slice_passes():
    NotifyTenantSettings.model_validate(settings())


@pytest.mark.parametrize(("change", "message"), [
    ({"contacts": [{"code": "pm", "name": "x", "mobile": "123"}]}, "not a mainland mobile"),
    ({"contacts": [{"code": "pm", "name": "x", "email": "nope"}]}, "is not an address"),
    ({"contacts": [{"code": "pm", "name": "x", "quiet_hours": "late"}]}, "HH:MM-HH:MM"),
    ({"groups": {"g": ["nobody"]}}, "unknown contacts"),
    ({"rules": [{"name": "r", "events": ["ticketing.ticket.created.v1"], "template": "sla_warning",
                 "levels": [{"to": ["on_duty"], "channels": ["sms"]}]}]}, "renders"),
    ({"rules": [{"name": "r", "events": ["no.such.v1"], "template": "ticket_created",
                 "levels": [{"to": ["on_duty"], "channels": ["sms"]}]}]}, "unknown event types"),
    ({"rules": [{"name": "r", "events": ["ticketing.ticket.created.v1"], "template": "ticket_created",
                 "levels": [{"to": ["contact:ghost"], "channels": ["sms"]}]}]}, "unknown contact 'ghost'"),
    ({"rules": [{"name": "r", "events": ["ticketing.ticket.created.v1"], "template": "ticket_created",
                 "levels": [{"to": ["everyone"], "channels": ["sms"]}]}]}, "audience 'everyone'"),
    ({"rules": [{"name": "r", "events": ["ticketing.ticket.created.v1"], "template": "ticket_created",
                 "levels": [{"to": ["on_duty"], "channels": ["sms"]},
                            {"to": ["on_duty"], "channels": ["sms"]}]}]}, "needs after_minutes"),
    ({"rules": [{"name": "r", "events": ["ticketing.ticket.created.v1"], "template": "ticket_created",
                 "urgent": 1, "levels": [{"to": ["on_duty"], "channels": ["sms"]}]}]}, "boolean"),
])
def test_bad_slices_say_what_is_wrong(change, message):
    with pytest.raises(ValidationError, match=message):
        NotifyTenantSettings.model_validate(settings(**change))


def test_the_reporter_an_event_names_keeps_the_public_quiet_hours_when_sent():
    """The sender finds a message's contact again: the addressee an event carried is not one
    of the tenant's contacts, and is not texted at night (a follow-up to a reporter)."""
    tenant = NotifyTenantSettings.model_validate(settings())
    reporter = routing.routed_contact(tenant, "address:reporter_mobile", "addressee", "13800000091")
    assert reporter.mobile == "13800000091"
    until = policy.quiet_until(reporter.quiet(), shanghai(21, 30))
    assert until.isoformat() == "2026-11-22T08:00:00+08:00"
    assert policy.quiet_until(reporter.quiet(), shanghai(8, 0, day=22)) is None
    staff = routing.routed_contact(tenant, "contact:pm", "pm", "13800000001")
    assert staff == tenant.contact("pm") and staff.quiet_hours is None
    assert routing.routed_contact(tenant, "address:reporter_mobile", "addressee", "not-an-address") is None
