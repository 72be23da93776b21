"""`opspact report get KIND --tenant T [--period P] [--format F] [--out FILE]`,
`opspact report dossier --tenant T (--term | --from D --to D) [--pdf] [--out FILE]` and
`opspact report publish --tenant T… (--due [--within-days N] [--every S] | --kind K --period P)`."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from opspact.cli import dossier, publish
from opspact.cli.common import CliError, api_call, print_json


def register(nouns) -> None:
    parser = nouns.add_parser("report", help="periodic reports and the acceptance dossier")
    verbs = parser.add_subparsers(dest="verb", required=True)
    get = verbs.add_parser("get", help="one report (周报/月报/季度报告/年度报告)")
    get.add_argument("kind", choices=tuple(dossier.KIND_NAMES))
    get.add_argument("--tenant", required=True)
    get.add_argument("--period", help="2025-W10 | 2025-03 | 2025-Q1 | 2025 (default: the last ended)")
    get.add_argument("--format", choices=("json", "docx", "pdf", "xlsx"), default="docx")
    get.add_argument("--out", type=Path, help="file to write (default: named after the report)")
    get.set_defaults(func=_get)
    pack = verbs.add_parser("dossier", help="验收材料: every report of the term, ledgers, records, "
                                            "staffing, damages and an index, as one ZIP")
    pack.add_argument("--tenant", required=True)
    span = pack.add_mutually_exclusive_group(required=True)
    span.add_argument("--term", action="store_true", help="the contract's term (tenant file)")
    span.add_argument("--from", dest="start", type=date.fromisoformat, help="first day")
    pack.add_argument("--to", dest="end", type=date.fromisoformat, help="last day, inclusive (with --from)")
    pack.add_argument("--pdf", action="store_true", help="add a PDF archive copy of every report")
    pack.add_argument("--out", type=Path, help="archive to write (default: dossier-T-FROM-TO.zip)")
    pack.add_argument("--json", action="store_true", help="print the manifest as JSON")
    pack.set_defaults(func=_dossier)
    pub = verbs.add_parser("publish", help="归档: publish ended periods' reports into the archive "
                                           "(announced through notify); the schedule runs --due")
    pub.add_argument("--tenant", action="append", required=True, help="repeat for several tenants")
    which = pub.add_mutually_exclusive_group(required=True)
    which.add_argument("--due", action="store_true",
                       help="every required report whose period ended lately and is not archived yet")
    which.add_argument("--kind", choices=tuple(dossier.KIND_NAMES))
    pub.add_argument("--period", help="with --kind: 2025-W10 | 2025-03 | 2025-Q1 | 2025")
    pub.add_argument("--again", action="store_true", help="with --kind: a new version of a published period")
    pub.add_argument("--reason", help="with --again: why (the earlier version may be stamped)")
    pub.add_argument("--within-days", type=int, default=publish.DEFAULT_WITHIN_DAYS,
                     help="with --due: periods that ended this many days back at most "
                          f"(default {publish.DEFAULT_WITHIN_DAYS}; 3660 backfills a term)")
    pub.add_argument("--every", type=int, metavar="SECONDS",
                     help="with --due: keep running, publishing what is due every SECONDS")
    pub.set_defaults(func=_publish)


def _get(args) -> int:
    params = {"format": args.format, **({"period": args.period} if args.period else {})}
    response = api_call("GET", f"/api/ticketing/reports/{args.kind}", args.tenant, dossier.ROLES,
                        params=params)
    if args.format == "json" and args.out is None:
        print_json(response.json())
        return 0
    disposition = response.headers.get("content-disposition", "")
    default = disposition.partition('filename="')[2].rstrip('"') or f"{args.kind}.{args.format}"
    out = args.out or Path(default)
    out.write_bytes(response.content)
    print(f"{out} ({len(response.content):,} bytes)")
    return 0


def _dossier(args) -> int:
    if args.start and not args.end or args.end and args.term:
        raise CliError("give --term, or --from with --to")
    plan = dossier.plan(args.tenant, args.start, args.end, args.pdf)
    out = args.out or Path(f"dossier-{args.tenant}-{plan.first:%Y%m%d}-{plan.last:%Y%m%d}.zip")
    dossier.build(plan, out)
    if args.json:
        print_json(dossier.manifest(plan))
    else:
        print(f"{out}: {len(plan.parts) - len(plan.failed)} files for {plan.first} – {plan.last}")
    if plan.failed:
        names = ", ".join(p.name for p in plan.failed[:5]) + ("…" if len(plan.failed) > 5 else "")
        raise CliError(f"{len(plan.failed)} of {len(plan.parts)} parts could not be made ({names}); "
                       "the index lists why")
    return 0


def _publish(args) -> int:
    if args.kind and not args.period:
        raise CliError("--kind needs --period")
    if args.due and (args.period or args.again or args.reason):
        raise CliError("--period, --again and --reason go with --kind, not --due")
    if args.again and not args.reason:
        raise CliError("--again needs --reason (the earlier version may be stamped)")
    if args.every is not None:
        if not args.due or args.every < 60:
            raise CliError("--every needs --due and at least 60 seconds")
        publish.run_every(args.tenant, args.within_days, args.every)
    if args.due:
        outcomes = publish.publish_due(args.tenant, args.within_days)
    else:
        outcomes = [publish.publish(t, args.kind, args.period, args.again, args.reason) for t in args.tenant]
    publish.print_outcomes(outcomes)
    return 1 if any(o.status == "failed" for o in outcomes) else 0
