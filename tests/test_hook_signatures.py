"""Hooks at the gateway: only the integration holding the secret gets in, within the
time window, once per signed delivery."""

import json
import time
import uuid

import httpx
import pytest
from opspact import hooksig
from opspact.testing.probes import fault

SECRET = hooksig.dev_secret("xinjiang", "12123")


@pytest.fixture
def raw(stack):
    with httpx.Client(base_url=stack.url("gateway"), timeout=30) as client:
        yield client


def post(raw, body: bytes, headers: dict, path="/hooks/xinjiang/12123"):
    return raw.post(path, content=body, headers={"Content-Type": "application/json", **headers})


def body() -> bytes:
    return json.dumps(fault(f"SIG-{uuid.uuid4().hex[:8]}"), ensure_ascii=False).encode()


@pytest.mark.parametrize(("headers", "words"), [
    ({}, "signature required"),
    ("zeros", "does not match"),
    ("other secret", "does not match"),
    ("stale", "behind"),
    ("future", "ahead of"),
    ({hooksig.TIMESTAMP_HEADER: "yesterday", hooksig.SIGNATURE_HEADER: "sha256=00"}, "Unix seconds"),
])
def test_refused_with_the_reason(raw, headers, words):
    payload = body()
    # signed now, not when the module was collected (minutes may pass before this runs)
    if headers in ("stale", "future"):
        shift = -301 if headers == "stale" else 301
        headers = hooksig.signed_headers(SECRET, payload, time.time() + shift)
    elif headers == "zeros":
        headers = {hooksig.TIMESTAMP_HEADER: str(int(time.time())),
                   hooksig.SIGNATURE_HEADER: "sha256=" + "0" * 64}
    elif headers == "other secret":
        headers = hooksig.signed_headers(hooksig.dev_secret("xinjiang", "fee-platform"), b"x")
    r = post(raw, payload, headers)
    assert r.status_code == 401, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert words in r.json()["detail"]


def test_tampered_body_is_refused(raw):
    payload = body()
    headers = hooksig.signed_headers(SECRET, payload)
    r = post(raw, payload.replace(b"12123-fees", b"ebike-fees"), headers)
    assert r.status_code == 401


def test_replay_refused_and_resigned_retry_keeps_one_ticket(raw):
    payload = body()
    headers = {**hooksig.signed_headers(SECRET, payload), "Idempotency-Key": uuid.uuid4().hex}
    first = post(raw, payload, headers)
    assert first.status_code == 201, first.text
    replay = post(raw, payload, headers)
    assert replay.status_code == 409 and "replay" in replay.json()["detail"]
    time.sleep(1.1)  # a new timestamp, so a new signature: a legitimate retry
    retry = post(raw, payload, {**hooksig.signed_headers(SECRET, payload),
                                "Idempotency-Key": headers["Idempotency-Key"]})
    assert retry.status_code == 200 and retry.json()["id"] == first.json()["id"]


def test_client_cannot_forge_the_delivery_header(raw):
    payload = body()
    headers = {**hooksig.signed_headers(SECRET, payload), hooksig.DELIVERY_HEADER: "f" * 64}
    assert post(raw, payload, headers).status_code == 201
    # the forged id was dropped, the signature's own was stored: the replay is still caught
    assert post(raw, payload, headers).status_code == 409


def test_alertmanager_presents_its_secret_as_bearer(raw):
    group = json.dumps({"status": "firing", "commonLabels": {"system": "data-pool"},
                        "alerts": [{"status": "firing", "fingerprint": uuid.uuid4().hex[:16],
                                    "labels": {"alertname": "Disk"}}]}).encode()
    path = "/hooks/wuqia/alertmanager"
    secret = hooksig.dev_secret("wuqia", "alertmanager")
    assert post(raw, group, {}, path).status_code == 401
    assert post(raw, group, {"Authorization": "Bearer wrong"}, path).status_code == 401
    ok = post(raw, group, {"Authorization": f"Bearer {secret}"}, path)
    assert ok.status_code == 200, ok.text
    # a source that can sign may not fall back to a bearer token
    assert post(raw, body(), {"Authorization": f"Bearer {SECRET}"}).status_code == 401
