"""POST /auth/cert through the running gateway: a police certificate forwarded by the
trusted front proxy becomes a short-lived token that works on the API."""

import pytest
from opspact.testing.pki import FakeCa, forwarded, registration
from opspact.testing.plugin import gateway_with

HEADER = "X-SSL-Client-Cert"


@pytest.fixture(scope="module")
def pki_gateway(stack, tmp_path_factory):
    root = tmp_path_factory.mktemp("pki")
    ca = FakeCa("新疆公安厅测试CA")
    certs = {"admin": ca.issue("系统专管员"), "revoked": ca.issue("吊销"),
             "expired": ca.issue("过期", days_valid=5, starts_in_days=-10),
             "foreign": FakeCa("外部CA").issue("外人")}
    ca.revoke(certs["revoked"])
    ca.write(root, "xinjiang", [registration(certs[n], f"officer-{n}", "client_admin")
                                for n in ("admin", "revoked", "expired")])
    with gateway_with(stack, {"OPSPACT_GATEWAY_PKI_DIR": str(root),
                              "OPSPACT_GATEWAY_TRUSTED_PROXIES": '["127.0.0.1/32"]'}) as client:
        yield client, certs


def test_certificate_exchanged_for_a_token_that_works(pki_gateway):
    gw, certs = pki_gateway
    r = gw.post("/auth/cert", headers={HEADER: forwarded(certs["admin"])})
    assert r.status_code == 200, r.text
    token = r.json()
    assert (token["tenant"], token["subject"], token["roles"]) == (
        "xinjiang", "officer-admin", ["client_admin"])
    assert 60 <= token["expires_in"] <= 900
    tickets = gw.get("/api/ticketing/tickets",
                     headers={"Authorization": f"Bearer {token['access_token']}"})
    assert tickets.status_code == 200, tickets.text
    other = gw.get("/api/ticketing/tickets", headers={
        "Authorization": f"Bearer {token['access_token']}", "X-OpsPact-Tenant": "zhuhai"})
    assert other.status_code == 403


@pytest.mark.parametrize(("name", "words"), [
    ("revoked", "revoked on"), ("expired", "expired on"), ("foreign", "not from a CA"),
    (None, "no client certificate")])
def test_refused_certificates_say_why(pki_gateway, name, words):
    gw, certs = pki_gateway
    headers = {HEADER: forwarded(certs[name])} if name else {}
    r = gw.post("/auth/cert", headers=headers)
    assert r.status_code == 401 and words in r.json()["detail"]
    assert r.headers["content-type"].startswith("application/problem+json")
