"""`opspact demo load`: a past year of each contract, through the services' own APIs
(opspact.demo). Deterministic for a seed; loading twice changes nothing."""

from __future__ import annotations

import asyncio
from datetime import date
from pathlib import Path

from opspact.cli.common import gateway_url
from opspact.cli.stack import repo_root

TENANT_HELP = "a tenant slug (repeat; default: every tenant file)"


def register(nouns) -> None:
    parser = nouns.add_parser("demo", help="load a demo year of the contracts")
    verbs = parser.add_subparsers(dest="verb", required=True)
    load = verbs.add_parser("load", help="fill tenants with a realistic, deterministic history")
    load.add_argument("--tenant", action="append", help=TENANT_HELP)
    load.add_argument("--seed", type=int, default=1)
    load.add_argument("--until", type=date.fromisoformat, help="last day of history (default: yesterday)")
    load.add_argument("--tenants-dir", type=Path, default=None)
    load.add_argument("--no-reports", action="store_true", help="do not publish the ended periods' reports")
    load.add_argument("--scale", type=float, default=1.0,
                      help="multiply the fault arrival rates (e.g. 50 for a bench-sized year)")
    load.set_defaults(func=_load)
    reports = verbs.add_parser("reports", help="archive the monthly and longer reports of ended periods")
    reports.add_argument("--tenant", action="append", help=TENANT_HELP)
    reports.add_argument("--until", type=date.fromisoformat, help="periods ended by then (yesterday)")
    reports.add_argument("--tenants-dir", type=Path, default=None)
    reports.set_defaults(func=_reports)


def tenants_dir(given: Path | None) -> Path:
    return given or repo_root() / "deploy" / "tenants"


def load_all(tenants: list[str], base_url: str, folder: Path, seed: int = 1, until: date | None = None,
             reports: bool = True, scale: float = 1.0) -> list:
    from opspact.demo.loader import load
    return [asyncio.run(load(tenant, base_url=base_url, tenants_dir=folder, seed=seed, until=until,
                             reports=reports, scale=scale)) for tenant in tenants]


def _tenants(args) -> tuple[Path, list[str]]:
    folder = tenants_dir(args.tenants_dir)
    return folder, args.tenant or sorted(p.stem for p in folder.glob("*.yaml"))


def _load(args) -> int:
    folder, tenants = _tenants(args)
    for summary in load_all(tenants, gateway_url(), folder, args.seed, args.until, not args.no_reports,
                            args.scale):
        print(describe(summary), flush=True)
    return 0


def _reports(args) -> int:
    from opspact.demo.loader import publish_reports
    for tenant in _tenants(args)[1]:
        print(describe(asyncio.run(publish_reports(tenant, base_url=gateway_url(), until=args.until))),
              flush=True)
    return 0


def describe(summary) -> str:
    """One line per tenant: what was created (second loads create nothing) and how long it took."""
    if summary.first is None and "reports" not in summary.counts:
        return f"{summary.tenant}: no term yet, nothing loaded"
    period = f" {summary.first} – {summary.last}" if summary.first else ""
    parts = ", ".join(f"{part} {n} ({summary.seconds[part]} s)" for part, n in summary.counts.items())
    return f"{summary.tenant}{period}: {parts}; {sum(summary.seconds.values()):.1f} s"
