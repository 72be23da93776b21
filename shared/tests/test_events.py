"""The CloudEvents 1.0 envelope every service publishes."""

import pytest
from opspact.events import CloudEvent, new_event
from pydantic import ValidationError


def test_round_trip_keeps_tenant_and_trace():
    event = new_event("ticketing", "ticket", "created", "xinjiang", "t-1", {"n": 1},
                      traceparent="00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
    back = CloudEvent.from_bytes(event.to_json().encode())
    assert back == event
    assert (back.type, back.topic, back.key()) == (
        "ticketing.ticket.created.v1", "ticketing.events", "xinjiang:t-1")


@pytest.mark.parametrize("field, value", [("type", "ticket-created"), ("specversion", "0.3")])
def test_envelope_refuses_what_consumers_cannot_route(field, value):
    raw = new_event("ticketing", "ticket", "created", "xinjiang", "t-1", {}).model_dump()
    with pytest.raises(ValidationError, match=field):
        CloudEvent.model_validate({**raw, field: value})


def test_unknown_attributes_are_refused():
    raw = new_event("notify", "notification", "sent", "zhuhai", "n-1", {}).model_dump()
    with pytest.raises(ValidationError):
        CloudEvent.model_validate({**raw, "tenant": "zhuhai"})
