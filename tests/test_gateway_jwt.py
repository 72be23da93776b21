"""Tokens from an identity provider's JWKS through the running gateway."""

import pytest
from opspact.testing.idp import AUDIENCE, ISSUER, FakeIdp
from opspact.testing.plugin import auth, gateway_with


@pytest.fixture(scope="module")
def idp_gateway(stack):
    idp = FakeIdp()
    idp.add_key("police-sso-1", "RS256")
    idp.start()
    env = {"OPSPACT_GATEWAY_JWKS_SOURCE": idp.url, "OPSPACT_GATEWAY_JWT_ISSUER": ISSUER,
           "OPSPACT_GATEWAY_JWT_AUDIENCE": AUDIENCE, "OPSPACT_GATEWAY_JWKS_MIN_REFETCH_SECONDS": "0"}
    try:
        with gateway_with(stack, env) as client:
            yield idp, client
    finally:
        idp.stop()


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def test_provider_token_reaches_the_service(idp_gateway):
    idp, gw = idp_gateway
    token = idp.token("police-sso-1", ["xinjiang"], ["client_viewer"], subject="officer-7")
    r = gw.get("/api/ticketing/tickets", headers=bearer(token))
    assert r.status_code == 200, r.text
    ready = gw.get("/readyz").json()
    assert ready["jwks"] == {"keys": 1, "last_error": None}


def test_provider_token_for_one_tenant_cannot_read_another(idp_gateway):
    idp, gw = idp_gateway
    token = idp.token("police-sso-1", ["xinjiang"], ["client_admin"])
    r = gw.get("/api/ticketing/tickets", headers={**bearer(token), "X-OpsPact-Tenant": "beijing"})
    assert r.status_code == 403 and "beijing" in r.json()["detail"]


def test_rotated_key_and_refusals_with_reasons(idp_gateway):
    idp, gw = idp_gateway
    idp.add_key("police-sso-2", "ES256")  # the provider rotates; the gateway refetches
    r = gw.get("/api/ticketing/tickets", headers=bearer(idp.token("police-sso-2", ["zhuhai"],
                                                                  ["vendor_engineer"])))
    assert r.status_code == 200, r.text
    expired = idp.token("police-sso-1", ["zhuhai"], [], exp=1_700_000_000, iat=1_699_999_000)
    r = gw.get("/api/ticketing/tickets", headers=bearer(expired))
    assert r.status_code == 401 and "expired" in r.json()["detail"]
    assert r.headers["content-type"].startswith("application/problem+json")
    # dev HS256 tokens still work in dev
    assert gw.get("/api/ticketing/tickets", headers=auth("zhuhai", "auditor")).status_code == 200
