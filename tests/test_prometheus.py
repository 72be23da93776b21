"""A real Prometheus (Debian's package) scrapes every process of the test stack: each
answers on its metrics port (never through the gateway), and after a fault posted as a
hook the published-ticket counter has risen and ticketing's outbox backlog is back to 0."""

import subprocess
import uuid

import httpx
import pytest
from opspact.cli.stack import listen_ports
from opspact.testing import debian
from opspact.testing.plugin import wait_until
from opspact.testing.probes import fault

PROCESSES = ("gateway", "ticketing", "inventory", "billing", "notify", "console")
CREATED = ('sum(opspact_events_published_total{service="ticketing",type="ticketing.ticket.created.v1",'
           'tenant="xinjiang"})')
BACKLOG = 'opspact_outbox_backlog{service="ticketing"}'


@pytest.fixture(scope="module")
def prometheus(stack, tmp_path_factory):
    binary = debian.program("prometheus", "prometheus")
    folder = tmp_path_factory.mktemp("prometheus")
    targets = {name: f"127.0.0.1:{stack.ports[name + '-metrics']}" for name in PROCESSES}
    jobs = "\n".join(f"  - job_name: {name}\n    static_configs: [{{targets: ['{target}']}}]"
                     for name, target in targets.items())
    (folder / "prometheus.yml").write_text(f"global: {{scrape_interval: 1s}}\nscrape_configs:\n{jobs}\n")
    port = listen_ports(["prometheus"], taken=stack.ports.values())["prometheus"]
    process = subprocess.Popen([binary, f"--config.file={folder / 'prometheus.yml'}",
                                f"--storage.tsdb.path={folder / 'data'}",
                                f"--web.listen-address=127.0.0.1:{port}"],
                               stdout=subprocess.DEVNULL, stderr=open(folder / "log", "wb"))  # noqa: SIM115
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
            wait_until(lambda: _ready(client), 30, message="prometheus to start")
            yield client
    finally:
        process.terminate()
        process.wait(20)


def _ready(client) -> bool:
    try:
        return client.get("/-/ready").status_code == 200
    except httpx.HTTPError:
        return False


def value(client, query: str) -> float | None:
    result = client.get("/api/v1/query", params={"query": query}).json()["data"]["result"]
    return float(result[0]["value"][1]) if result else None


def all_up(client) -> bool:
    return value(client, "count(up == 1)") == len(PROCESSES)


def test_every_process_is_scraped(prometheus):
    wait_until(lambda: all_up(prometheus), 30, message="every process to be up in Prometheus")


def test_a_hook_raises_the_ticket_counter_and_the_outbox_drains(gateway, prometheus):
    wait_until(lambda: all_up(prometheus), 30, message="the first scrapes")
    before = value(prometheus, CREATED) or 0.0
    r = gateway.post("/hooks/xinjiang/12123", json=fault(f"PROM-{uuid.uuid4().hex[:8]}"))
    assert r.status_code == 201, r.text
    wait_until(lambda: (value(prometheus, CREATED) or 0) >= before + 1, 30,
               message="the created counter to rise")
    wait_until(lambda: value(prometheus, BACKLOG) == 0, 30, message="ticketing's outbox backlog to drain")
    # the request itself, by route template and status class, never by id
    hooks = value(prometheus, 'sum(opspact_http_requests_total{service="gateway",status="2xx"})')
    assert hooks and hooks >= 1
    series = prometheus.get("/api/v1/series",
                            params={"match[]": "opspact_http_requests_total"}).json()["data"]
    routes = {s["route"] for s in series}
    assert routes and not [r for r in routes if any(c.isdigit() for c in r.replace("v1", ""))]
    # a leader loop's heartbeat is fresh
    age = value(prometheus, 'time() - max(opspact_leader_heartbeat_timestamp_seconds)')
    assert age is not None and age < 120


def test_the_gateway_does_not_forward_metrics(gateway, stack):
    assert gateway.get("/metrics").status_code in (404, 401)
    assert gateway.get("/api/ticketing/metrics").status_code in (401, 404)
    direct = httpx.get(f"http://127.0.0.1:{stack.ports['ticketing-metrics']}/metrics", timeout=10)
    # the scrape port answers without a token: in Kubernetes the network policy lets only
    # Prometheus reach it
    assert direct.status_code == 200 and "opspact_http_requests_total" in direct.text
