"""TraceContext: every request runs in a server span that continues the caller's W3C
trace (or starts one), and what the handler sends on carries that trace."""

from __future__ import annotations

import pytest
from opspact import telemetry
from opspact.http import TraceContext

CALLER = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"


async def traceparent_seen_by_handler(headers: list[tuple[bytes, bytes]]) -> str:
    seen = {}

    async def handler(scope, receive, send):
        seen["traceparent"] = telemetry.current_traceparent()

    telemetry.setup("test")  # no exporter: unrecorded spans
    await TraceContext(handler, "test")({"type": "http", "method": "GET", "path": "/x",
                                         "headers": headers}, None, None)
    return seen["traceparent"]


async def test_a_callers_trace_is_continued_in_a_new_span():
    version, trace_id, span_id, flags = (
        await traceparent_seen_by_handler([(b"traceparent", CALLER.encode())])).split("-")
    assert (version, trace_id) == ("00", "0af7651916cd43dd8448eb211c80319c")
    assert span_id not in ("b7ad6b7169203331", "0" * 16)
    assert flags == "00"  # not sampled: nothing is exported without an exporter


async def test_without_a_caller_each_request_starts_its_own_trace():
    first = (await traceparent_seen_by_handler([])).split("-")
    second = (await traceparent_seen_by_handler([(b"accept", b"*/*")])).split("-")
    assert first[1] != second[1] and int(first[1], 16) and int(second[1], 16)


async def test_the_span_ends_and_the_context_is_restored_after_an_error():
    async def failing(scope, receive, send):
        raise RuntimeError("boom")

    before = telemetry.current_traceparent()
    with pytest.raises(RuntimeError):
        await TraceContext(failing, "test")({"type": "http", "method": "GET", "path": "/x",
                                             "headers": []}, None, None)
    assert telemetry.current_traceparent() == before
