"""The gateway's edges: security headers, header limits, CORS and rate limits."""

import json

import pytest
from opspact.cli.common import dev_token
from opspact.testing.plugin import auth, gateway_with


def test_security_headers_on_answers_and_problems(gateway):
    for r in (gateway.get("/healthz"), gateway.get("/api/ticketing/tickets")):
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["x-frame-options"] == "DENY"
        assert r.headers["cache-control"] == "no-store"
        assert "default-src 'none'" in r.headers["content-security-policy"]


def test_oversized_headers_are_refused(gateway):
    r = gateway.get("/healthz", headers={"x-padding": "a" * 17_000})
    assert r.status_code == 431
    assert r.headers["content-type"].startswith("application/problem+json")


@pytest.fixture(scope="module")
def tight_gateway(stack):
    env = {"OPSPACT_GATEWAY_RATE_PER_CLIENT": json.dumps([2, 3]),
           "OPSPACT_GATEWAY_CORS_ORIGINS": json.dumps(["https://ops.example.gov.cn"])}
    with gateway_with(stack, env) as client:
        yield client


def test_rate_limit_answers_429_with_retry_after(tight_gateway):
    headers = auth("xinjiang", "vendor_engineer")
    codes = [tight_gateway.get("/api/ticketing/tickets", headers=headers) for _ in range(5)]
    assert [r.status_code for r in codes[:3]] == [200, 200, 200]
    refused = codes[-1]
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
    assert "rate limit" in refused.json()["detail"]
    # another client of the same tenant has its own bucket
    other = {"Authorization": "Bearer " + dev_token(["xinjiang"], ["vendor_engineer"],
                                                    subject="engineer-02")}
    assert tight_gateway.get("/api/ticketing/tickets", headers=other).status_code == 200


def test_cors_only_for_configured_origins(tight_gateway):
    ok = tight_gateway.options("/api/ticketing/tickets", headers={
        "Origin": "https://ops.example.gov.cn", "Access-Control-Request-Method": "GET"})
    assert ok.headers.get("access-control-allow-origin") == "https://ops.example.gov.cn"
    other = tight_gateway.options("/api/ticketing/tickets", headers={
        "Origin": "https://evil.example", "Access-Control-Request-Method": "GET"})
    assert "access-control-allow-origin" not in other.headers


def test_certificate_header_from_an_untrusted_address_is_refused(gateway):
    # The default test gateway trusts no proxy: a client sending the header itself is
    # refused, whatever certificate it claims.
    from opspact.testing.pki import FakeCa, forwarded
    cert = FakeCa("任意CA").issue("冒充者")
    r = gateway.post("/auth/cert", headers={"X-SSL-Client-Cert": forwarded(cert)})
    assert r.status_code == 401 and "only from the configured proxies" in r.json()["detail"]


def test_a_request_uvicorn_cannot_parse_is_a_problem_answer(stack):
    """The fuzzer's `Content-Length: xc#mp67` was answered by uvicorn itself, in plain text."""
    import socket
    with socket.create_connection(("127.0.0.1", stack.ports["gateway"]), timeout=10) as conn:
        conn.sendall(b"GET /api/billing/tenants/x HTTP/1.1\r\nHost: x\r\nContent-Length: xc`#mp67\r\n\r\n")
        answer = b""
        while chunk := conn.recv(4096):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400") and b"content-type: application/problem+json" in head.lower()
    assert b'"status": 400' in body and b"not valid HTTP/1.1" in body
