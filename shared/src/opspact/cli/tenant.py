"""`opspact tenant apply FILE|DIR [--dry-run]`: hand each service its slice of
the tenant files through the gateway. Idempotent: a second apply changes nothing
and says so."""

from __future__ import annotations

import sys
from pathlib import Path

import httpx
from pydantic import ValidationError

from opspact import SERVICES
from opspact.calendar import CalendarSettings
from opspact.calendar.coverage import coverage_warning
from opspact.cli.common import CliError, dev_token, gateway_url, print_json, print_table
from opspact.tenancy.model import load_tenant_files


def register(nouns) -> None:
    parser = nouns.add_parser("tenant", help="tenants (engagements)")
    verbs = parser.add_subparsers(dest="verb", required=True)
    apply = verbs.add_parser("apply", help="apply tenant files to every service")
    apply.add_argument("path", type=Path)
    apply.add_argument("--dry-run", action="store_true", help="show the changes, write nothing")
    apply.add_argument("--json", action="store_true")
    apply.set_defaults(func=_apply)


def apply_tenants(path: Path, dry_run: bool = False, base_url: str | None = None,
                  token_for=None) -> list[dict]:
    try:
        tenants = load_tenant_files(path)
    except (ValidationError, ValueError, FileNotFoundError) as exc:
        raise CliError(f"invalid tenant file: {exc}".replace("\n", " ")) from exc
    base_url = base_url or gateway_url()
    token_for = token_for or (lambda slug: dev_token([slug], ["platform_admin"]))
    results = []
    with httpx.Client(base_url=base_url, timeout=30) as client:
        for tenant in tenants:
            headers = {"Authorization": f"Bearer {token_for(tenant.slug)}"}
            for service in SERVICES:
                try:
                    response = client.put(f"/api/{service}/tenants/{tenant.slug}",
                                          params={"dry_run": str(dry_run).lower()},
                                          json=tenant.slice_for(service), headers=headers)
                except httpx.HTTPError as exc:
                    raise CliError(f"cannot reach the gateway at {base_url}: {exc}") from exc
                if response.status_code != 200:
                    detail = _detail(response)
                    raise CliError(f"{tenant.slug}/{service}: {response.status_code} {detail}")
                body = response.json()
                results.append({"tenant": tenant.slug, "service": service,
                                "changed": body["changed"], "changes": body["changes"]})
    return results


def contract_findings(slugs: list[str], base_url: str | None = None, token_for=None) -> list[dict]:
    """What billing finds does not add up in each applied contract: flagged facts, parties
    named two ways, payments that do not make the value (GET /api/billing/contract)."""
    base_url = base_url or gateway_url()
    token_for = token_for or (lambda slug: dev_token([slug], ["platform_admin"]))
    findings = []
    with httpx.Client(base_url=base_url, timeout=30) as client:
        for slug in slugs:
            response = client.get("/api/billing/contract",
                                  headers={"Authorization": f"Bearer {token_for(slug)}"})
            if response.status_code != 200:
                raise CliError(f"{slug}/billing: {response.status_code} {_detail(response)}")
            findings += [{"tenant": slug, "finding": f} for f in response.json()["inconsistencies"]]
    return findings


def calendar_warnings(path: Path) -> list[str]:
    """One line per tenant whose term reaches a year the calendar does not know."""
    warnings = []
    for tenant in load_tenant_files(path):
        calendar = CalendarSettings.model_validate(
            tenant.services.get("ticketing", {}).get("calendar") or {})
        term = tenant.contract.term
        warning = coverage_warning(tenant.slug, term.start, term.end, calendar)
        if warning:
            warnings.append(warning)
    return warnings


def _detail(response: httpx.Response) -> str:
    try:
        return response.json().get("detail", response.text)
    except ValueError:
        return response.text[:200]


def _apply(args) -> int:
    results = apply_tenants(args.path, args.dry_run)
    for warning in calendar_warnings(args.path):
        print(f"warning: {warning}", file=sys.stderr)
    # what the applied contracts leave open (not for a dry run: billing has the old files)
    findings = [] if args.dry_run else contract_findings(sorted({r["tenant"] for r in results}))
    if args.json:
        print_json({"results": results, "findings": findings})
        return 0
    verb = "would change" if args.dry_run else "changed"
    rows = [{"tenant": r["tenant"], "service": r["service"],
             "result": f"{verb} {len(r['changes'])} field(s)" if r["changed"] else "unchanged"}
            for r in results]
    print_table(rows, ["tenant", "service", "result"])
    if args.dry_run:
        for r in results:
            for c in r["changes"]:
                print(f"  {r['tenant']}/{r['service']}: {c['path']}: {c['old']!r} -> {c['new']!r}")
    if not any(r["changed"] for r in results):
        print("nothing to change: every service already has these tenants")
    for f in findings:
        print(f"注意 {f['tenant']}：{f['finding']}")
    return 0
