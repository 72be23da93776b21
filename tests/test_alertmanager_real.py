"""Debian's real Prometheus Alertmanager against the stack (issue 30): a group of alerts
posted to it reaches /hooks/wuqia/alertmanager as incidents with the mapped priorities and
the alert's fingerprint, findable by it; when the alerts recover, the incidents resolve."""

import subprocess
import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest
import yaml
from opspact import hooksig
from opspact.cli.stack import free_port
from opspact.testing.debian import program
from opspact.testing.plugin import auth, wait_until

WUQIA = auth("wuqia", "vendor_manager")


@pytest.fixture
def alertmanager(stack, tmp_path):
    binary = program("prometheus-alertmanager", "prometheus-alertmanager")
    config = {
        "route": {"receiver": "opspact", "group_by": ["alertname", "system"], "group_wait": "1s",
                  "group_interval": "1s", "repeat_interval": "1h"},
        "receivers": [{"name": "opspact", "webhook_configs": [{
            "url": f"{stack.url('gateway')}/hooks/wuqia/alertmanager", "send_resolved": True,
            "http_config": {"authorization": {
                "type": "Bearer", "credentials": hooksig.dev_secret("wuqia", "alertmanager")}}}]}],
    }
    (tmp_path / "alertmanager.yml").write_text(yaml.safe_dump(config))
    port = free_port()
    process = subprocess.Popen([
        binary, f"--config.file={tmp_path / 'alertmanager.yml'}", f"--storage.path={tmp_path / 'data'}",
        f"--web.listen-address=127.0.0.1:{port}", "--cluster.listen-address="],
        stdout=subprocess.DEVNULL, stderr=(tmp_path / "alertmanager.log").open("w"))
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: _ready(url), timeout=30, message="Alertmanager to answer")
        yield url
    finally:
        process.terminate()
        process.wait(10)


def _ready(url: str) -> bool:
    try:
        return httpx.get(f"{url}/-/ready", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def _tickets(gateway, **params) -> list[dict]:
    r = gateway.get("/api/ticketing/tickets", headers=WUQIA, params={"source": "alertmanager", **params})
    assert r.status_code == 200, r.text
    return r.json()["items"]


def test_alerts_open_incidents_and_recovery_resolves_them(gateway, alertmanager):
    run = uuid.uuid4().hex[:8]
    now = datetime.now(UTC)
    alerts = [{"labels": {"alertname": f"DiskFull-{run}", "system": "data-pool", "severity": "critical",
                          "instance": "db-master"},
               "annotations": {"summary": "数据盘使用率超过95%"}, "startsAt": now.isoformat()},
              {"labels": {"alertname": f"DiskFull-{run}", "system": "data-pool", "severity": "warning",
                          "instance": "file-server"},
               "annotations": {"summary": "数据盘使用率超过80%"}, "startsAt": now.isoformat()}]
    assert httpx.post(f"{alertmanager}/api/v2/alerts", json=alerts).status_code == 200
    opened = wait_until(lambda: len(found := [t for t in _tickets(gateway) if run in t["title"]]) == 2
                        and found, timeout=60, message="two incidents from Alertmanager")
    assert sorted(t["priority"] for t in opened) == ["p1", "p3"]
    fingerprints = {a["labels"]["instance"]: a["fingerprint"] for a in httpx.get(
        f"{alertmanager}/api/v2/alerts", params={"filter": f'alertname="DiskFull-{run}"'}).json()}
    for ticket in opened:
        assert ticket["monitor_id"] in fingerprints.values()
        [same] = _tickets(gateway, monitor_id=ticket["monitor_id"])
        assert same["id"] == ticket["id"]
    ended = (datetime.now(UTC) - timedelta(seconds=1)).isoformat()
    assert httpx.post(f"{alertmanager}/api/v2/alerts",
                      json=[{**a, "endsAt": ended} for a in alerts]).status_code == 200
    wait_until(lambda: all(t["status"] == "resolved" for t in _tickets(gateway) if run in t["title"]),
               timeout=60, message="the incidents resolved on recovery")
