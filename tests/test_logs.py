"""Log lines: JSON with the fields collectors index, readable under `opspact up`, and
nothing secret or personal in either, whatever the message carried."""

import io
import json
import logging

from opspact import logs
from opspact.settings import DEV_JWT_SECRET

TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIiwidGVuYW50cyI6WyJ4Il19.c2lnbmF0dXJlLWJ5dGVz"


def captured(fmt: str, *messages, **extra) -> list[str]:
    stream, root = io.StringIO(), logging.getLogger()
    kept = root.handlers[:], root.level  # pytest's own capture handlers, put back after
    logs.configure("ticketing", fmt, "INFO")
    root.handlers[0].setStream(stream)
    try:
        for message in messages:
            logging.getLogger("ticketing.test").warning(*message, extra=extra)
    finally:
        root.handlers[:], root.level = kept
    return stream.getvalue().splitlines()


def test_a_json_line_carries_time_level_service_tenant_trace_and_fields():
    token = logs.TENANT.set("xinjiang")
    try:
        line, = captured("json", ("ticket %s breached", "T2026-000001"), clock="on_site")
    finally:
        logs.TENANT.reset(token)
    entry = json.loads(line)
    assert entry["message"] == "ticket T2026-000001 breached"
    assert (entry["level"], entry["service"], entry["tenant"]) == ("warning", "ticketing", "xinjiang")
    assert entry["fields"] == {"clock": "on_site"} and entry["time"].endswith("+00:00")
    assert {"trace_id", "span_id", "logger"} <= set(entry)


def test_no_token_secret_key_or_mobile_survives_either_format():
    leaks = [("headers: %s", {"authorization": f"Bearer {TOKEN}"}),
             ("token %s refused", TOKEN), ("secret=%s", DEV_JWT_SECRET),
             ("signing with dev-hook-secret:xinjiang/12123",),
             ("key -----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA\n-----END PRIVATE KEY----- loaded",),
             ("sms to %s failed", "13800000021"), ('{"access_key_secret": "opspact-alibaba-test-secret"}',)]
    for fmt in ("json", "text"):
        text = "\n".join(captured(fmt, *leaks))
        for secret in (TOKEN, DEV_JWT_SECRET, "dev-hook-secret", "MC4CAQAwBQYDK2VwBCIEIA", "13800000021",
                       "opspact-alibaba-test-secret"):
            assert secret not in text, (fmt, secret)
        assert "138****0021" in text and "[redacted]" in text
