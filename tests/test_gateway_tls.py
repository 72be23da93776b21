"""The gateway terminating TLS itself (`python -m gateway.serve` with a server
certificate): police PKI client certificates presented in its own handshake are
exchanged for tokens; JWT callers need no certificate; a certificate from a CA no tenant
trusts is refused in the handshake, an expired or revoked one gets a 401 saying why."""

from __future__ import annotations

import ssl
import sys
import tempfile
from pathlib import Path

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from gateway.pki import TenantTrust
from gateway.tls import server_context
from opspact.cli.stack import free_port
from opspact.testing.pki import FakeCa, forwarded, registration
from opspact.testing.plugin import auth, wait_until


@pytest.fixture(scope="module")
def tls_gateway(stack, tmp_path_factory):
    root = tmp_path_factory.mktemp("tls")
    police, server_ca, foreign = FakeCa("新疆公安厅测试CA"), FakeCa("OpsPact服务端测试CA"), FakeCa("外部CA")
    certfile, keyfile = server_ca.files(server_ca.issue("opspact-gateway", server_ip="127.0.0.1"),
                                        root, "gateway")
    trusted = root / "server-ca.pem"
    trusted.write_bytes(server_ca.cert.public_bytes(serialization.Encoding.PEM))
    certs = {"admin": police.issue("系统专管员"), "revoked": police.issue("吊销"),
             "expired": police.issue("过期", days_valid=5, starts_in_days=-10),
             "stranger": police.issue("未登记")}
    police.revoke(certs["revoked"])
    police.write(root / "pki", "xinjiang", [registration(certs[n], f"officer-{n}", "client_admin")
                                            for n in ("admin", "revoked", "expired")])
    files = {name: police.files(cert, root, name) for name, cert in certs.items()}
    files["foreign"] = foreign.files(foreign.issue("外人"), root, "foreign")
    port = free_port()
    stack.start_command("gateway-tls", [sys.executable, "-m", "gateway.serve", "--port", str(port)], {
        **stack.service_env("gateway"), "OPSPACT_GATEWAY_PKI_DIR": str(root / "pki"),
        "OPSPACT_GATEWAY_TLS_CERTFILE": certfile, "OPSPACT_GATEWAY_TLS_KEYFILE": keyfile,
        "OPSPACT_GATEWAY_TLS_CLIENT_CERTS": "optional"})
    url = f"https://127.0.0.1:{port}"

    def client(name: str | None = None) -> httpx.Client:
        context = ssl.create_default_context(cafile=str(trusted))
        if name:
            context.load_cert_chain(*files[name])
        return httpx.Client(base_url=url, verify=context, timeout=30)

    def ready() -> bool:
        try:
            with client() as c:
                return c.get("/readyz").status_code == 200
        except httpx.TransportError:
            return False

    try:
        wait_until(ready, timeout=60, message="the TLS gateway")
        yield client, certs
    finally:
        stack.stop_process("gateway-tls")


def test_a_certificate_presented_in_the_handshake_becomes_a_token(tls_gateway):
    client, _ = tls_gateway
    with client("admin") as c:
        r = c.post("/auth/cert")
    assert r.status_code == 200, r.text
    token = r.json()
    assert (token["tenant"], token["subject"]) == ("xinjiang", "officer-admin")
    assert token["roles"] == ["client_admin"]
    # the token works over TLS without a certificate, as any JWT caller's does
    with client() as c:
        bearer = {"Authorization": f"Bearer {token['access_token']}"}
        tickets = c.get("/api/ticketing/tickets", headers=bearer)
        assert tickets.status_code == 200, tickets.text
        assert c.get("/api/ticketing/tickets", headers=auth("zhuhai", "vendor_manager")).status_code == 200


@pytest.mark.parametrize(("name", "words"), [
    ("expired", "expired on"), ("revoked", "revoked on"), ("stranger", "not registered"),
    (None, "no client certificate")])
def test_refused_certificates_say_why(tls_gateway, name, words):
    client, _ = tls_gateway
    with client(name) as c:
        r = c.post("/auth/cert")
    assert r.status_code == 401 and words in r.json()["detail"], r.text
    assert r.headers["content-type"].startswith("application/problem+json")


def test_a_certificate_from_a_ca_no_tenant_trusts_is_refused_in_the_handshake(tls_gateway):
    client, _ = tls_gateway
    with pytest.raises(httpx.TransportError), client("foreign") as c:
        c.post("/auth/cert")


def test_a_forwarded_certificate_header_is_not_honoured_from_a_direct_client(tls_gateway):
    client, certs = tls_gateway
    with client() as c:
        r = c.post("/auth/cert", headers={"X-SSL-Client-Cert": forwarded(certs["admin"])})
    assert r.status_code == 401 and "configured proxies" in r.json()["detail"]


def test_client_certificates_are_asked_for_as_configured():
    ca = FakeCa("测试CA")
    trust = {"xinjiang": TenantTrust("xinjiang", [ca.cert], [], [])}
    server = ca.issue("gw", server_ip="127.0.0.1")
    with tempfile.TemporaryDirectory() as directory:
        certfile, keyfile = ca.files(server, Path(directory), "gw")
        assert server_context(certfile, keyfile, trust, "required").verify_mode == ssl.CERT_REQUIRED
        assert server_context(certfile, keyfile, trust, "optional").verify_mode == ssl.CERT_OPTIONAL
        assert server_context(certfile, keyfile, {}, "none").verify_mode == ssl.CERT_NONE
        with pytest.raises(ValueError, match="no tenant has a CA bundle"):
            server_context(certfile, keyfile, {}, "optional")
