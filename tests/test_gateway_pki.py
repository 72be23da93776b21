"""POST /auth/cert through the running gateway: a police certificate forwarded by the
trusted front proxy becomes a short-lived token that works on the API."""

import shutil
from pathlib import Path

import pytest
import yaml
from opspact.testing.pki import FakeCa, forwarded, registration
from opspact.testing.plugin import auth, gateway_with

HEADER = "X-SSL-Client-Cert"
ROOT = Path(__file__).resolve().parents[1]


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


def test_a_signoff_with_a_certificate_says_so(pki_gateway):
    """数字证书 at the signature: the certificate's token carries `amr: [pki]` through the
    gateway to ticketing, and the sign-off records how the officer proved who they were."""
    gw, certs = pki_gateway
    pdf = "%PDF-1.4\n% 2025年3月培训签到表（测试）\n%%EOF\n".encode()
    r = gw.post("/api/ticketing/deliverables/training-record/2025-03/versions", content=pdf,
                params={"filename": "培训签到表.pdf"},
                headers={**auth("xinjiang", "vendor_manager"), "Content-Type": "application/octet-stream"})
    assert r.status_code == 201, r.text
    version = r.json()["latest"]
    token = gw.post("/auth/cert", headers={HEADER: forwarded(certs["admin"])}).json()["access_token"]
    r = gw.post(f"/api/ticketing{version['href']}/signoff", headers={"Authorization": f"Bearer {token}"},
                json={"decision": "accepted", "sha256": version["sha256"]})
    assert r.status_code == 201, r.text
    assert (r.json()["method"], r.json()["signed_by"]) == ("pki", "officer-admin")


def test_certificate_login_in_the_browser_opens_a_console_session(pki_gateway):
    """数字证书登录 through the console: the gateway checks the certificate the front proxy
    forwards and hands the console its token; a refused one says why, and a browser cannot
    hand the console a token of its own making."""
    gw, certs = pki_gateway
    signed = gw.get("/console/signin/cert", headers={HEADER: forwarded(certs["admin"])})
    assert signed.status_code == 303 and signed.headers["location"] == "/console/queue", signed.text[-800:]
    me = gw.get("/console/me").json()  # the client keeps the session cookie, as a browser would
    assert (me["method"], me["subject"], me["tenant"], me["roles"]) == (
        "pki", "officer-admin", "xinjiang", ["client_admin"])
    queue = gw.get("/console/queue")
    assert queue.status_code == 200 and "工单队列" in queue.text
    gw.cookies.clear()
    revoked = gw.get("/console/signin/cert", headers={HEADER: forwarded(certs["revoked"])})
    assert revoked.status_code == 401 and "revoked on" in revoked.text
    forged = gw.get("/console/signin/cert", headers={"x-opspact-cert-token": "eyJhbGciOiJFZERTQSJ9.e30.x"})
    assert forged.status_code == 401 and "no client certificate" in forged.text


@pytest.fixture
def archived_xinjiang_month(gateway):
    r = gateway.post("/api/ticketing/report-archive", headers=auth("xinjiang", "vendor_manager"),
                     json={"kind": "monthly", "period": "2025-01"})
    assert r.status_code in (200, 201), r.text
    return {f["format"]: f["href"] for f in r.json()["files"]}["pdf"]


@pytest.fixture
def certificate_login_required(stack, tmp_path):
    """xinjiang's tenant file asking for 数字证书登录 on billing (and nothing else)."""
    tenants = tmp_path / "tenants"
    shutil.copytree(ROOT / "deploy" / "tenants", tenants)
    path = tenants / "xinjiang.yaml"
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    document["services"].setdefault("gateway", {}).setdefault("routes", {})["billing"] = {
        "client_cert": "required"}
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    ca = FakeCa("新疆公安厅测试CA")
    cert = ca.issue("财务专管员")
    ca.write(tmp_path / "pki", "xinjiang", [registration(cert, "officer-finance", "client_admin")])
    with gateway_with(stack, {"OPSPACT_GATEWAY_TENANTS_DIR": str(tenants),
                              "OPSPACT_GATEWAY_PKI_DIR": str(tmp_path / "pki"),
                              "OPSPACT_GATEWAY_TRUSTED_PROXIES": '["127.0.0.1/32"]'}) as client:
        yield client, cert


def test_a_tenant_may_require_a_certificate_login_per_service(archived_xinjiang_month,
                                                              certificate_login_required):
    gw, cert = certificate_login_required
    password_login = auth("xinjiang", "client_admin")
    r = gw.get("/api/billing/statement", headers=password_login,
               params={"from": "2025-01-01", "to": "2025-01-31"})
    assert r.status_code == 401 and "PKI certificate login for billing" in r.json()["detail"], r.text
    assert gw.get("/api/ticketing/tickets", headers=password_login).status_code == 200
    # a report reads billing on the caller's behalf: the rule holds there too
    r = gw.get("/api/ticketing/reports/monthly", headers=password_login, params={"period": "2025-01"})
    assert r.status_code == 401, r.text
    # and so does its archived copy, which holds the money section
    r = gw.get(f"/api/ticketing{archived_xinjiang_month}", headers=password_login)
    assert r.status_code == 401 and "PKI certificate login for billing" in r.json()["detail"], r.text
    # other tenants are not affected
    r = gw.get("/api/billing/statement", headers=auth("zhuhai", "vendor_manager"),
               params={"from": "2024-01-01", "to": "2024-01-31"})
    assert r.status_code == 200, r.text
    token = gw.post("/auth/cert", headers={HEADER: forwarded(cert)}).json()["access_token"]
    r = gw.get("/api/billing/statement", headers={"Authorization": f"Bearer {token}"},
               params={"from": "2025-01-01", "to": "2025-01-31"})
    assert r.status_code == 200, r.text
    r = gw.get(f"/api/ticketing{archived_xinjiang_month}", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200 and r.content.startswith(b"%PDF"), r.text


@pytest.fixture(scope="module")
def proxy_elsewhere(stack, tmp_path_factory):
    """The front proxy is another host (10.9.9.9); this test's client is local."""
    root = tmp_path_factory.mktemp("pki-elsewhere")
    ca = FakeCa("新疆公安厅测试CA")
    cert = ca.issue("系统专管员")
    ca.write(root, "xinjiang", [registration(cert, "officer-admin", "client_admin")])
    with gateway_with(stack, {"OPSPACT_GATEWAY_PKI_DIR": str(root),
                              "OPSPACT_GATEWAY_TRUSTED_PROXIES": '["10.9.9.9/32"]'}) as client:
        yield client, cert


@pytest.mark.parametrize("claimed", ["10.9.9.9", "not-an-address", None])
def test_a_client_cannot_claim_to_be_the_proxy(proxy_elsewhere, claimed):
    """Whatever X-Forwarded-For says, the connection's own peer decides whether the
    certificate header came from the proxy (uvicorn's rewriting is off in gateway.serve)."""
    gw, cert = proxy_elsewhere
    headers = {HEADER: forwarded(cert)} | ({"X-Forwarded-For": claimed} if claimed else {})
    r = gw.post("/auth/cert", headers=headers)
    assert r.status_code == 401 and "only from the configured proxies" in r.json()["detail"], r.text


