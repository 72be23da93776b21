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
