"""Bad input gets a 4xx problem+json naming the problem: never a 500, never a partial row."""

import uuid

import httpx
import pytest
from opspact.testing.plugin import auth
from opspact.testing.probes import fault, query

PROBLEM = "application/problem+json"


def _count_tickets(stack) -> int:
    return query(stack, "SELECT count(*) AS n FROM ticketing.tickets")[0]["n"]


@pytest.mark.parametrize("name, kwargs, status", [
    ("malformed json", {"content": b'{"fault_id": ', "headers": {"content-type": "application/json"}}, 422),
    ("wrong content type", {"content": b"fault_id=1",
                            "headers": {"content-type": "application/x-www-form-urlencoded"}}, 415),
    ("NUL in a string", {"content": b'{"fault_id": "F\\u0000", "system": "12123-fees", "title": "x"}',
                         "headers": {"content-type": "application/json"}}, 422),
    ("oversized body", {"content": b'{"a": "' + b"x" * (1024 * 1024 + 10) + b'"}',
                        "headers": {"content-type": "application/json"}}, 413),
    ("unknown system", {"json": fault("F-x", system="no-such-system")}, 422),
    ("missing field", {"json": {"fault_id": "F-y"}}, 422),
    ("bad priority", {"json": fault("F-z", level="p9")}, 422),
])
def test_hook_bad_input(stack, gateway, name, kwargs, status):
    before = _count_tickets(stack)
    response = gateway.post("/hooks/xinjiang/12123", **kwargs)
    assert response.status_code == status, (name, response.text)
    assert response.headers["content-type"].startswith(PROBLEM)
    assert response.json()["detail"]
    assert _count_tickets(stack) == before


def test_unknown_tenant_and_source(gateway):
    assert gateway.post("/hooks/nowhere/12123", json=fault("F-1")).status_code == 404
    unknown_source = gateway.post("/hooks/beijing/12123", json=fault("F-1"))
    assert unknown_source.status_code == 404
    assert "12123" in unknown_source.json()["detail"]


def test_integers_out_of_range(gateway):
    r = gateway.get("/api/ticketing/tickets", params={"limit": 10**30},
                    headers=auth("xinjiang", "vendor_manager"))
    assert r.status_code == 422 and "limit" in r.json()["detail"]
    r = gateway.get("/api/ticketing/tickets", params={"offset": -1},
                    headers=auth("xinjiang", "vendor_manager"))
    assert r.status_code == 422


def test_tokens_and_tenants(gateway):
    assert gateway.get("/api/ticketing/tickets").status_code == 401
    bad = gateway.get("/api/ticketing/tickets", headers={"Authorization": "Bearer x.y.z"})
    assert bad.status_code == 401 and bad.headers["content-type"].startswith(PROBLEM)
    other = gateway.get("/api/ticketing/tickets", headers={
        **auth("xinjiang", "vendor_manager"), "X-OpsPact-Tenant": "beijing"})
    assert other.status_code == 403
    assert gateway.get("/api/nothing/x", headers=auth("xinjiang", "vendor_manager")).status_code == 404


def test_services_refuse_calls_without_the_internal_token(stack):
    for service in ("ticketing", "inventory", "billing", "notify"):
        r = httpx.get(f"{stack.url(service)}/tenants/xinjiang")
        assert r.status_code == 401, service
        assert r.headers["content-type"].startswith(PROBLEM)


def test_idempotency_key(gateway):
    headers = {**auth("xinjiang", "vendor_engineer"), "Idempotency-Key": uuid.uuid4().hex}
    body = {"system": "gaw-fee", "title": "电话咨询", "kind": "consultation", "channel": "hotline"}
    first = gateway.post("/api/ticketing/tickets", json=body, headers=headers)
    again = gateway.post("/api/ticketing/tickets", json=body, headers=headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    clash = gateway.post("/api/ticketing/tickets", json={**body, "title": "另一个"}, headers=headers)
    assert clash.status_code == 409


def test_tenant_slice_validation(gateway):
    r = gateway.put("/api/notify/tenants/xinjiang", json={
        "name": "x", "contract": {}, "parties": {},
        "settings": {"contacts": [{"code": "duty-phone", "name": "值班手机", "mobile": "123"}]}},
        headers=auth("xinjiang", "platform_admin"))
    assert r.status_code == 422 and "mobile" in r.json()["detail"]
    r = gateway.put("/api/notify/tenants/xinjiang", json={"name": "x"},
                    headers=auth("xinjiang", "vendor_manager"))
    assert r.status_code in (403, 422)


def test_an_unknown_query_parameter_is_named(gateway):
    """`?statuss=open` used to list every ticket; the fuzzer's extra parameters too."""
    r = gateway.get("/api/ticketing/tickets", params={"statuss": "new"},
                    headers=auth("xinjiang", "vendor_manager"))
    assert r.status_code == 422 and "'statuss'" in r.json()["detail"] and "status" in r.json()["detail"]
    assert r.json()["errors"] == [{"field": "query.statuss", "message": "unknown parameter"}]
    ok = gateway.get("/api/ticketing/tickets", params={"status": "new", "limit": 1},
                     headers=auth("xinjiang", "vendor_manager"))
    assert ok.status_code == 200
