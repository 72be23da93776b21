"""`opspact inventory import|eol|impact`: the asset register from the command line."""

from __future__ import annotations

import sys
from pathlib import Path

from opspact import tabular
from opspact.cli.common import CliError, api_call, print_json, print_table, progress

ROLES = ["vendor_manager"]


def register(nouns) -> None:
    parser = nouns.add_parser("inventory", help="assets, relations, end of life")
    verbs = parser.add_subparsers(dest="verb", required=True)
    load = verbs.add_parser("import", help="import assets from CSV or XLSX (upsert by code)")
    load.add_argument("file", type=Path)
    load.add_argument("--tenant", required=True)
    load.add_argument("--dry-run", action="store_true", help="report only, write nothing")
    load.set_defaults(func=_import)
    eol = verbs.add_parser("eol", help="assets past or near end of life, soonest first")
    eol.add_argument("--tenant", required=True)
    eol.add_argument("--include-unknown", action="store_true")
    eol.add_argument("--json", action="store_true")
    eol.set_defaults(func=_eol)
    impact = verbs.add_parser("impact", help="what is affected if ASSET fails")
    impact.add_argument("asset", help="asset code")
    impact.add_argument("--tenant", required=True)
    impact.add_argument("--max-depth", type=int, default=5)
    impact.set_defaults(func=_impact)


def _import(args) -> int:
    if not args.file.is_file():
        raise CliError(f"no such file: {args.file}")
    content_type = tabular.XLSX if args.file.suffix.lower() == ".xlsx" else tabular.CSV
    raw = args.file.read_bytes()
    steps = 1 if args.dry_run else 2
    progress(0, steps, "checking every row (dry run)")
    try:
        report = api_call("POST", "/api/inventory/assets/import", args.tenant, ROLES,
                          params={"dry_run": "true"}, content=raw,
                          headers={"Content-Type": content_type}).json()
        progress(1, steps, "checked")
        errors = [r for r in report["report"] if r["action"] == "error"]
        if errors or args.dry_run:
            print(file=sys.stderr)
            for row in report["report"]:
                if row["action"] != "unchanged":
                    print(f"line {row['line']:>5}  {row['code']:<24} {row['action']:<9} "
                          f"{'; '.join(row['errors'])}")
            print(f"{report['rows']} rows: {report['created']} to create, {report['updated']} "
                  f"to update, {report['unchanged']} unchanged, {len(errors)} in error")
            if errors:
                raise CliError(f"{len(errors)} row(s) in error: nothing imported")
            return 0
        progress(1, steps, "importing")
        done = api_call("POST", "/api/inventory/assets/import", args.tenant, ROLES, content=raw,
                        headers={"Content-Type": content_type}).json()
        progress(2, steps, "done")
    finally:
        print(file=sys.stderr)
    print(f"{done['rows']} rows: {done['created']} created, {done['updated']} updated, "
          f"{done['unchanged']} unchanged, {done['relations']} relations added")
    return 0


def _eol(args) -> int:
    risks = api_call("GET", "/api/inventory/eol/risks", args.tenant, ROLES,
                     params={"include_unknown": str(args.include_unknown).lower()}).json()
    if args.json:
        print_json(risks)
        return 0
    if not risks:
        print(f"{args.tenant}: nothing past or within a year of end of life")
        return 0
    print_table([{"code": a["code"], "name": a["name"], "product": a["eol"].get("cycle")
                  or f"{a['eol']['product']} {a['eol']['version']}",
                  "status": a["eol"]["status"], "end of life": a["eol"].get("date") or "?",
                  "source": a["eol"].get("source") or ""} for a in risks],
                ["code", "name", "product", "status", "end of life", "source"])
    return 0


def _impact(args) -> int:
    result = api_call("GET", f"/api/inventory/assets/{args.asset}/impact", args.tenant, ROLES,
                      params={"max_depth": args.max_depth}).json()
    print(f"{args.asset} fails →")
    children: dict[str, list[dict]] = {}
    for item in result["impacted"]:
        children.setdefault(item["via"], []).append(item)

    def show(code: str, indent: int) -> None:
        for item in children.get(code, []):
            print(f"{'  ' * indent}└ {item['code']}  {item['name']} ({item['kind']})")
            show(item["code"], indent + 1)

    show(args.asset, 1)
    if result["truncated"]:
        print(f"  … more beyond depth {args.max_depth} (--max-depth)")
    if not result["impacted"]:
        print("  nothing relies on it")
    return 0
