"""deploy/monitoring: the alert rules pass `promtool check rules` and their unit tests
(`promtool test rules`), the Prometheus Operator's PrometheusRule carries the same groups,
and every query of the rules and the Grafana dashboard names a metric the code exports;
every HTTP process's Deployment and Service expose the metrics port the ServiceMonitor scrapes."""

import json
import re
import subprocess
from pathlib import Path

import yaml
from opspact import metrics
from opspact.testing import debian
from prometheus_client.metrics import MetricWrapperBase

ROOT = Path(__file__).resolve().parents[1]
MONITORING = ROOT / "deploy" / "monitoring"
COMPONENT = ROOT / "deploy" / "k8s" / "components" / "monitoring"
HTTP_PROCESSES = ("gateway", "console", "ticketing", "inventory", "billing", "notify")
SUFFIXES = {"counter": ("_total", "_created"), "gauge": ("",),
            "histogram": ("_bucket", "_count", "_sum", "_created")}


def exported() -> set[str]:
    """Every sample name the code's metrics produce."""
    names = set()
    for value in vars(metrics).values():
        if isinstance(value, MetricWrapperBase):
            names |= {value._name + suffix for suffix in SUFFIXES[value._type]}
    return names


def queried(expression: str) -> set[str]:
    return set(re.findall(r"\b(opspact_[a-z_]+)", expression))


def promtool(*args: str) -> subprocess.CompletedProcess:
    binary = debian.program("prometheus", "promtool")
    return subprocess.run([binary, *args], cwd=MONITORING, capture_output=True, text=True, timeout=120)


def test_the_alert_rules_are_valid_prometheus_rules():
    done = promtool("check", "rules", "alerts.yaml")
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_alert_rules_fire_as_their_unit_tests_say():
    done = promtool("test", "rules", "alerts.test.yaml")
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_rule_and_panel_queries_a_metric_the_code_exports():
    known = exported()
    rules = yaml.safe_load((MONITORING / "alerts.yaml").read_text())
    expressions = [r["expr"] for g in rules["groups"] for r in g["rules"]]
    dashboard = json.loads((MONITORING / "grafana-dashboard.json").read_text())
    expressions += [t["expr"] for p in dashboard["panels"] for t in p["targets"]]
    assert len(dashboard["panels"]) >= 10 and dashboard["uid"]
    unknown = {name for e in expressions for name in queried(e)} - known
    assert unknown == set()
    assert all(queried(e) for e in expressions if "up{" not in e)


def test_the_prometheus_rule_carries_the_alert_rules():
    rules = yaml.safe_load((MONITORING / "alerts.yaml").read_text())
    rule = yaml.safe_load((COMPONENT / "prometheus-rule.yaml").read_text())
    assert rule["kind"] == "PrometheusRule" and rule["spec"]["groups"] == rules["groups"]
    component = yaml.safe_load((COMPONENT / "kustomization.yaml").read_text())
    assert component["kind"] == "Component"
    assert set(component["resources"]) == {"service-monitor.yaml", "prometheus-rule.yaml"}


def test_every_http_process_exposes_the_port_the_service_monitor_scrapes():
    monitor = yaml.safe_load((COMPONENT / "service-monitor.yaml").read_text())
    port = monitor["spec"]["endpoints"][0]["port"]
    common = next(d for d in yaml.safe_load_all((ROOT / "deploy/k8s/base/common.yaml").read_text())
                  if d and d["kind"] == "ConfigMap")
    number = int(common["data"]["OPSPACT_METRICS_PORT"])
    assert common["data"]["OPSPACT_METRICS_HOST"] == "0.0.0.0"
    for name in HTTP_PROCESSES:
        docs = [d for d in yaml.safe_load_all((ROOT / f"deploy/k8s/base/{name}.yaml").read_text()) if d]
        service = next(d for d in docs if d["kind"] == "Service")
        deployment = next(d for d in docs if d["kind"] == "Deployment")
        assert service["metadata"]["labels"].items() >= monitor["spec"]["selector"]["matchLabels"].items()
        assert {"name": port, "port": number, "targetPort": port} in service["spec"]["ports"], name
        container = deployment["spec"]["template"]["spec"]["containers"][0]
        assert {"name": port, "containerPort": number} in container["ports"], name
        assert {"configMapRef": {"name": "opspact-common"}} in container["envFrom"], name
