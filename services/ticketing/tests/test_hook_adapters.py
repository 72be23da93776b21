"""Each platform's fault report becomes a ticket request and a dedup id."""

import pytest
from pydantic import ValidationError
from ticketing.hooks.adapters import ADAPTERS


def test_fee_platform_fault_maps_to_an_incident():
    ticket, external_id = ADAPTERS["12123"].model_validate(
        {"fault_id": " F-1 ", "system": "12123-fees", "title": "缴费失败", "level": "p1",
         "occurred_at": "2026-11-21T08:00:00+08:00", "unknown": "ignored"}).to_ticket()
    assert external_id == "F-1"
    assert (ticket.kind.value, ticket.priority.value, ticket.channel.value) == (
        "incident", "p1", "platform")
    assert "发生时间: 2026-11-21T08:00:00+08:00" in ticket.description


def test_generic_alert_names_its_own_id():
    ticket, external_id = ADAPTERS["generic"].model_validate(
        {"id": "alert-9", "system": "data-pool", "title": "磁盘满"}).to_ticket()
    assert (external_id, ticket.channel.value) == ("alert-9", "hook")


@pytest.mark.parametrize("payload", [{}, {"fault_id": "", "system": "s", "title": "t"},
                                     {"fault_id": "F", "system": "s", "title": "x" * 201}])
def test_incomplete_reports_are_refused(payload):
    with pytest.raises(ValidationError):
        ADAPTERS["12123"].model_validate(payload)
