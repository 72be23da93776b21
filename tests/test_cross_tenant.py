"""No data leaves its tenant: every listed route, asked by a principal of one tenant
for each of the others, is refused at the gateway; and a ticket id of one tenant is
unknown to every other."""

import re

import pytest
from opspact.permissions import ROUTES
from opspact.testing.plugin import auth

TENANTS = ("xinjiang", "xinxiang", "zhuhai", "beijing", "wuqia")
PARAMS = {"ticket_id": "00000000-0000-0000-0000-000000000000", "source": "generic",
          "notification_id": "00000000-0000-0000-0000-000000000000",
          "code": "no-such-asset", "type": "runs_on", "to": "other-asset",
          "post": "onsite", "shift_id": "1", "kind": "acceptance", "key": "no-such-entry",
          "round_key": "daily@2025-01-01T09:00", "item": "no-such.item", "evidence_id": "1",
          "change_id": "00000000-0000-0000-0000-000000000000",
          "article_id": "00000000-0000-0000-0000-000000000000",
          "plan_id": "00000000-0000-0000-0000-000000000000",
          "invoice_id": "1", "name": "no-such-template", "archive_id": "1", "format": "pdf",
          "letter_id": "1"}
CASES = [(route, home, other) for route in ROUTES for home in TENANTS for other in TENANTS
         if home != other]


def concrete(template: str, tenant: str) -> str:
    return re.sub(r"\{([a-z_]+)\}", lambda m: PARAMS.get(m.group(1), tenant), template)


@pytest.mark.parametrize(("route", "home", "other"), CASES, ids=[
    f"{r.service}-{r.method}-{r.template}-{h}-as-{o}" for r, h, o in CASES])
def test_principal_of_one_tenant_cannot_reach_another(gateway, route, home, other):
    headers = {**auth(home, "platform_admin"), "X-OpsPact-Tenant": other,
               "Content-Type": "application/json"}
    body = b"{}" if route.method in ("POST", "PUT", "PATCH") else None  # GET takes none
    r = gateway.request(route.method, f"/api/{route.service}{concrete(route.template, other)}",
                        content=body, headers=headers)
    assert r.status_code == 403, r.text
    assert other in r.json()["detail"]


@pytest.mark.parametrize("other", [t for t in TENANTS if t != "xinjiang"])
def test_a_ticket_is_invisible_outside_its_tenant(gateway, other):
    created = gateway.post("/api/ticketing/tickets", headers=auth("xinjiang", "vendor_engineer"),
                           json={"system": "12123-fees", "title": "只属于新疆"})
    ticket_id = created.json()["id"]
    for method, path, body in (("GET", f"/tickets/{ticket_id}", None),
                               ("PATCH", f"/tickets/{ticket_id}", {"title": "改"}),
                               ("POST", f"/tickets/{ticket_id}/transitions", {"to": "resolved"})):
        r = gateway.request(method, f"/api/ticketing{path}", json=body,
                            headers=auth(other, "platform_admin"))
        assert r.status_code == 404, (method, path, r.text)
    listed = gateway.get("/api/ticketing/tickets", params={"limit": 200},
                         headers=auth(other, "platform_admin")).json()["items"]
    assert ticket_id not in [t["id"] for t in listed]
