"""Per-tenant routing through the running gateway: failover past a dead member, 503
with Retry-After when none answers, 504 when one hangs past the route's timeout."""

import json
import socket
import tempfile
from pathlib import Path

import pytest
import yaml
from opspact.cli.stack import free_port, repo_root
from opspact.testing.plugin import auth, gateway_with


@pytest.fixture(scope="module")
def routed_gateway(stack):
    hanging = socket.socket()  # accepts connections (kernel backlog), never answers
    hanging.bind(("127.0.0.1", 0))
    hanging.listen(16)
    dead = f"http://127.0.0.1:{free_port()}"  # nothing listens: connection refused
    live = stack.url("ticketing")
    pools = {"beijing": {"ticketing": [{"url": dead, "weight": 100}, {"url": live, "weight": 1}]},
             "nobody": {"ticketing": [{"url": dead}]},
             "slow": {"ticketing": [{"url": f"http://127.0.0.1:{hanging.getsockname()[1]}"}]}}
    with tempfile.TemporaryDirectory() as tmp:
        tenants = Path(tmp)
        routes = {"beijing": {"pool": "beijing"}, "wuqia": {"pool": "nobody"},
                  "zhuhai": {"pool": "slow", "timeout_seconds": 0.5}}
        for source in (repo_root() / "deploy" / "tenants").glob("*.yaml"):
            document = yaml.safe_load(source.read_text(encoding="utf-8"))
            if document["slug"] in routes:
                document["services"]["gateway"] = {
                    "routes": {"ticketing": routes[document["slug"]]}}
            (tenants / source.name).write_text(yaml.safe_dump(document, allow_unicode=True),
                                               encoding="utf-8")
        try:
            with gateway_with(stack, {"OPSPACT_GATEWAY_POOLS": json.dumps(pools),
                                      "OPSPACT_GATEWAY_TENANTS_DIR": str(tenants),
                                      "OPSPACT_GATEWAY_UPSTREAM_DOWN_SECONDS": "60"}) as client:
                yield client
        finally:
            hanging.close()


def test_failover_past_a_dead_member(routed_gateway):
    for _ in range(3):
        r = routed_gateway.get("/api/ticketing/tickets", headers=auth("beijing", "auditor"))
        assert r.status_code == 200, r.text
    members = routed_gateway.get("/readyz").json()["upstreams"]["beijing"]["ticketing"]
    assert [m["healthy"] for m in members] == [False, True]
    # other tenants stay on the default pool
    assert routed_gateway.get("/api/ticketing/tickets",
                              headers=auth("xinjiang", "auditor")).status_code == 200


def test_no_member_answers_is_503_with_retry_after(routed_gateway):
    r = routed_gateway.get("/api/ticketing/tickets", headers=auth("wuqia", "auditor"))
    assert r.status_code == 503 and int(r.headers["retry-after"]) >= 1
    assert "wuqia" in r.json()["detail"]


def test_hanging_member_is_504_after_the_route_timeout(routed_gateway):
    r = routed_gateway.get("/api/ticketing/tickets", headers=auth("zhuhai", "auditor"))
    assert r.status_code == 504 and "did not answer in time" in r.json()["detail"]
