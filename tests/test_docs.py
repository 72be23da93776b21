"""The repository documents itself: its docs point only inside it, the worked example of
docs/tenants.md is a tenant file the services accept, and the API guide names routes
that exist."""

import json
import re
import shutil
import subprocess
from pathlib import Path

from opspact.cli.main import main as opspact
from opspact.cli.stack import repo_root
from opspact.tenancy.model import load_tenant_files
from opspact.testing.plugin import gateway_with

ROOT = repo_root()
TEXT = (".md", ".py", ".yaml", ".yml", ".toml", ".cfg", ".ini", ".sh", ".txt", ".html", ".js", ".css")
OUTSIDE = re.compile(r"\.\./shared|DESIGN\.md|ENGAGEMENTS\.md|/work/|seeds/\d")
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


def tracked() -> list[Path]:
    names = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return [ROOT / n for n in names.splitlines() if n.endswith(TEXT) or n in ("Makefile", ".ci/run")]


def test_no_file_refers_to_a_path_outside_the_repository():
    found = [f"{p.relative_to(ROOT)}: {m.group(0)}" for p in tracked() if p.exists() and p != Path(__file__)
             for m in OUTSIDE.finditer(p.read_text(encoding="utf-8", errors="replace"))]
    assert found == []


def test_every_relative_link_in_the_docs_resolves_inside_the_repository():
    broken = []
    for page in [p for p in tracked() if p.suffix == ".md" and p.exists()]:
        for target in LINK.findall(page.read_text(encoding="utf-8")):
            if re.match(r"^[a-z]+:", target):
                continue  # http:, mailto: — outside links are the reader's to follow
            resolved = (page.parent / target).resolve()
            if not resolved.is_relative_to(ROOT) or not resolved.exists():
                broken.append(f"{page.relative_to(ROOT)} -> {target}")
    assert broken == []


def test_the_readme_and_architecture_pages_name_the_docs():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for page in ("docs/architecture.md", "docs/tenants.md", "docs/api.md"):
        assert (ROOT / page).exists() and page in readme, page
    assert len(readme.splitlines()) < 250  # reads in five minutes; the reference lives in docs/


def test_the_worked_example_is_a_tenant_file_the_services_accept(stack, tmp_path, monkeypatch, capsys):
    example = ROOT / "docs" / "examples" / "example-county.yaml"
    assert [t.slug for t in load_tenant_files(example)] == ["example-county"]
    # the gateway routes the tenants of its folder: onboarding adds the file there (docs/tenants.md)
    folder = tmp_path / "tenants"
    shutil.copytree(ROOT / "deploy" / "tenants", folder)
    shutil.copy(example, folder)
    with gateway_with(stack, {"OPSPACT_GATEWAY_TENANTS_DIR": str(folder)}):
        monkeypatch.setenv("OPSPACT_URL", stack.url("gateway"))
        assert opspact(["tenant", "apply", "--dry-run", "--json", str(example)]) == 0
    results = json.loads(capsys.readouterr().out)["results"]
    assert {(r["tenant"], r["service"]) for r in results} == {
        ("example-county", s) for s in ("ticketing", "inventory", "billing", "notify")}
    assert all(r["changed"] for r in results)  # new to every service, and nothing written


def test_the_api_guide_names_only_routes_that_exist():
    guide = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    document = json.loads((ROOT / "gateway" / "src" / "gateway" / "services-openapi.json").read_text())
    templates = [re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", p) + "$") for p in document["paths"]]
    # a shell variable in a path ($ID) stands for one segment
    named = {re.sub(r"\$[A-Z]+", "x", p)
             for p in re.findall(r"(/api/[a-z-]+/[A-Za-z0-9_/{}.@$-]*[A-Za-z0-9_}])", guide)}
    assert len(named) >= 8
    unknown = [p for p in named if not any(t.match(p) for t in templates)]
    assert unknown == []
