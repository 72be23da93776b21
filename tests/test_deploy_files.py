"""The compose file and the k8s manifests are checked against their schemas offline
(no Docker or Kubernetes on the build machines): a broken manifest fails the suite."""

import json
from pathlib import Path

import jsonschema
import kubernetes_validate
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
MANIFESTS = sorted((ROOT / "deploy" / "k8s" / "base").glob("*.yaml"))


def test_compose_file_matches_the_compose_specification():
    schema = json.loads((ROOT / "tests" / "schemas" / "compose-spec.json").read_text())
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    jsonschema.validate(compose, schema)
    for name, service in compose["services"].items():
        dockerfile = service.get("build", {}).get("dockerfile")
        if dockerfile:
            assert (ROOT / dockerfile).is_file(), f"{name}: {dockerfile} missing"
    assert compose["services"]["ticketing"]["depends_on"]["migrate"]["condition"] == \
        "service_completed_successfully"


@pytest.mark.parametrize("path", MANIFESTS, ids=lambda p: p.name)
def test_manifest_matches_kubernetes_schema(path):
    if path.name == "kustomization.yaml":
        return
    for doc in yaml.safe_load_all(path.read_text()):
        kubernetes_validate.validate(doc, "1.30.0", strict=True)


def test_every_deployment_is_hardened():
    for path in MANIFESTS:
        for doc in yaml.safe_load_all(path.read_text()):
            if doc and doc["kind"] == "Deployment":
                pod = doc["spec"]["template"]["spec"]
                assert pod["terminationGracePeriodSeconds"] >= 30
                assert pod["securityContext"]["runAsNonRoot"] is True
                for c in pod["containers"]:
                    assert c["securityContext"]["readOnlyRootFilesystem"] is True
                    assert c["readinessProbe"] and c["livenessProbe"]
                    assert c["resources"]["limits"] and c["resources"]["requests"]


def test_the_report_scheduler_runs_nightly_once_at_a_time_as_a_non_root_publisher():
    jobs = [doc for doc in yaml.safe_load_all((ROOT / "deploy/k8s/base/report-scheduler.yaml").read_text())
            if doc["kind"] == "CronJob"]
    assert len(jobs) == 1
    job = jobs[0]["spec"]
    assert (job["timeZone"], job["concurrencyPolicy"]) == ("Asia/Shanghai", "Forbid")
    pod = job["jobTemplate"]["spec"]["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    (container,) = pod["containers"]
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    assert container["command"][:4] == ["opspact", "report", "publish", "--due"]
    named = container["command"][container["command"].index("--tenant"):][1::2]
    assert sorted(named) == sorted(p.stem for p in (ROOT / "deploy" / "tenants").glob("*.yaml"))
    token = next(e for e in container["env"] if e["name"] == "OPSPACT_TOKEN")
    assert "secretKeyRef" in token["valueFrom"]  # a real identity, never a minted dev token


def test_kustomizations_name_existing_files():
    for kfile in (ROOT / "deploy" / "k8s").rglob("kustomization.yaml"):
        for resource in yaml.safe_load(kfile.read_text())["resources"]:
            assert (kfile.parent / resource).exists(), f"{kfile}: {resource}"


def test_tenant_files_are_valid():
    from opspact.tenancy import load_tenant_files
    tenants = load_tenant_files(ROOT / "deploy" / "tenants")
    assert {t.slug for t in tenants} == {"xinjiang", "xinxiang", "zhuhai", "beijing", "wuqia"}
    from billing.terms import BillingTerms, validate
    for t in tenants:
        document = t.slice_for("billing")
        terms = BillingTerms.model_validate(validate(document["settings"], document))
        # every contract schedules exactly its value (Decimal: no float near money)
        assert sum(m.amount_of(t.contract.value) for m in terms.milestones) == t.contract.value


def _docs(kind: str) -> list[dict]:
    return [doc for path in MANIFESTS if path.name != "kustomization.yaml"
            for doc in yaml.safe_load_all(path.read_text()) if doc and doc["kind"] == kind]


def _selects(selector: dict, labels: dict) -> bool:
    """Whether a label selector (matchLabels / matchExpressions with In) picks these labels."""
    if any(labels.get(k) != v for k, v in selector.get("matchLabels", {}).items()):
        return False
    return all(labels.get(e["key"]) in e["values"] for e in selector.get("matchExpressions", []))


def test_every_replicated_workload_survives_a_drain_and_spreads_over_nodes():
    budgets = _docs("PodDisruptionBudget")
    scalers = {h["spec"]["scaleTargetRef"]["name"]: h["spec"] for h in _docs("HorizontalPodAutoscaler")}
    for deployment in _docs("Deployment"):
        name, spec = deployment["metadata"]["name"], deployment["spec"]
        labels = spec["template"]["metadata"]["labels"]
        if spec["replicas"] < 2:  # the console: its sessions are in its memory
            assert name == "console" and name not in scalers
            continue
        assert [b for b in budgets if _selects(b["spec"]["selector"], labels)], name
        spread = spec["template"]["spec"]["topologySpreadConstraints"]
        assert spread[0]["topologyKey"] == "kubernetes.io/hostname", name
    for name, spec in scalers.items():
        assert spec["minReplicas"] >= 2 and spec["maxReplicas"] > spec["minReplicas"], name
        assert name in {d["metadata"]["name"] for d in _docs("Deployment")}, name


def _allowed(policies: list[dict], source: dict, target: dict, port: int) -> bool:
    """Whether `source` pods may open `port` on `target` pods under these policies: an egress
    rule of a policy selecting the source and an ingress rule of one selecting the target."""
    def rule_lets(rules: list[dict], peer: dict, peer_key: str) -> bool:
        for rule in rules:
            ports = {p["port"] for p in rule.get("ports", [])}
            if ports and port not in ports:
                continue
            peers = rule.get(peer_key)
            # a peer named by namespace is in another namespace: none of our pods
            if not peers or any("namespaceSelector" not in p and _selects(p.get("podSelector", {}), peer)
                                for p in peers):
                return True
        return False
    out = any(rule_lets(p["spec"].get("egress", []), target, "to") for p in policies
              if "Egress" in p["spec"]["policyTypes"] and _selects(p["spec"]["podSelector"], source))
    inward = any(rule_lets(p["spec"].get("ingress", []), source, "from") for p in policies
                 if "Ingress" in p["spec"]["policyTypes"] and _selects(p["spec"]["podSelector"], target))
    return out and inward


def test_network_policies_allow_the_calls_the_code_makes_and_no_others():
    from opspact.permissions import ROUTES
    policies = _docs("NetworkPolicy")
    deny = next(p for p in policies if p["metadata"]["name"] == "default-deny")
    assert deny["spec"]["podSelector"] == {} and set(deny["spec"]["policyTypes"]) == {"Ingress", "Egress"}
    names = ("gateway", "console", "ticketing", "inventory", "billing", "notify", "report-scheduler")
    pod = {name: {"app.kubernetes.io/name": name, "app.kubernetes.io/part-of": "opspact"} for name in names}
    for service in ("ticketing", "inventory", "billing", "notify"):
        assert _allowed(policies, pod["gateway"], pod[service], 8000), service
    assert _allowed(policies, pod["gateway"], pod["console"], 8005)
    assert _allowed(policies, pod["console"], pod["gateway"], 8000)
    assert _allowed(policies, pod["report-scheduler"], pod["gateway"], 8000)
    # the peer reads the routes declare, and only those
    delegated = {(r.service, d) for r in ROUTES for d in r.delegates}
    for caller in ("ticketing", "inventory", "billing", "notify"):
        for callee in ("ticketing", "inventory", "billing", "notify"):
            if caller != callee:
                expected = (caller, callee) in delegated
                assert _allowed(policies, pod[caller], pod[callee], 8000) == expected, (caller, callee)
    assert not _allowed(policies, pod["console"], pod["ticketing"], 8000)  # only through the gateway
    # /metrics answers without a token: no OpsPact pod may reach it, only the monitoring namespace
    for caller in names:
        for callee in ("gateway", "console", "ticketing", "inventory", "billing", "notify"):
            assert not _allowed(policies, pod[caller], pod[callee], 9100), (caller, callee)
    metrics = next(p for p in policies if p["metadata"]["name"] == "metrics")
    assert metrics["spec"]["ingress"] == [{"from": [{"namespaceSelector": {"matchLabels": {
        "kubernetes.io/metadata.name": "monitoring"}}}], "ports": [{"protocol": "TCP", "port": 9100}]}]


def test_the_ingress_example_passes_the_client_certificate_to_a_gateway_that_trusts_only_the_ingress(
        monkeypatch):
    from gateway.config import GatewaySettings
    from gateway.pki import trusted_proxy
    from opspact.auth import generate_keypair
    folder = ROOT / "deploy" / "k8s" / "components" / "ingress-mtls"
    component = yaml.safe_load((folder / "kustomization.yaml").read_text())
    assert component["kind"] == "Component"
    ingress = yaml.safe_load((folder / "ingress.yaml").read_text())
    kubernetes_validate.validate(ingress, "1.30.0", strict=True)
    notes = ingress["metadata"]["annotations"]
    assert notes["nginx.ingress.kubernetes.io/auth-tls-pass-certificate-to-upstream"] == "true"
    assert notes["nginx.ingress.kubernetes.io/auth-tls-verify-client"] == "optional"  # OIDC still works
    backend = ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    service = next(d for d in yaml.safe_load_all((ROOT / "deploy/k8s/base/gateway.yaml").read_text())
                   if d and d["kind"] == "Service")
    assert backend["name"] == service["metadata"]["name"]
    assert backend["port"]["name"] in {p["name"] for p in service["spec"]["ports"]}
    patch = yaml.safe_load((folder / component["patches"][0]["path"]).read_text())
    for variable in patch["spec"]["template"]["spec"]["containers"][0]["env"]:
        monkeypatch.setenv(variable["name"], variable["value"])  # read as the gateway reads them
    monkeypatch.setenv("OPSPACT_GATEWAY_INTERNAL_PRIVATE_KEY", generate_keypair()[0])
    settings = GatewaySettings()
    assert settings.gateway_client_cert_header == "ssl-client-cert"  # what ingress-nginx sends
    assert trusted_proxy("10.244.1.7", settings.gateway_trusted_proxies)
    assert not trusted_proxy("203.0.113.9", settings.gateway_trusted_proxies)
