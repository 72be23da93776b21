"""`opspact roster gaps --tenant T --from D --to D`: uncovered post-hours."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from opspact.calendar import SHANGHAI
from opspact.cli.common import CliError, api_call, print_json, print_table


def register(nouns) -> None:
    parser = nouns.add_parser("roster", help="duty roster")
    verbs = parser.add_subparsers(dest="verb", required=True)
    gaps = verbs.add_parser("gaps", help="where posts have fewer people than required")
    gaps.add_argument("--tenant", required=True)
    gaps.add_argument("--from", dest="start", required=True, help="first day, YYYY-MM-DD")
    gaps.add_argument("--to", dest="end", required=True, help="last day, YYYY-MM-DD (included)")
    gaps.add_argument("--json", action="store_true")
    gaps.set_defaults(func=_gaps)


def _day(text: str, name: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CliError(f"{name} must be a date like 2025-10-01, not {text!r}") from None


def _gaps(args) -> int:
    start = datetime.combine(_day(args.start, "--from"), time(), tzinfo=SHANGHAI)
    end = datetime.combine(_day(args.end, "--to") + timedelta(days=1), time(), tzinfo=SHANGHAI)
    gaps = api_call("GET", "/api/inventory/roster/gaps", args.tenant, ["vendor_manager"],
                    params={"from": start.isoformat(), "to": end.isoformat()}).json()
    if args.json:
        print_json(gaps)
        return 0
    if not gaps:
        print(f"{args.tenant}: every post is covered from {args.start} to {args.end}")
        return 0
    print_table([{"post": g["post"], "from": g["starts_at"][:16].replace("T", " "),
                  "to": g["ends_at"][:16].replace("T", " "), "hours": g["hours"],
                  "on shift": f"{g['covered']}/{g['required']}"} for g in gaps],
                ["post", "from", "to", "hours", "on shift"])
    print(f"{sum(g['hours'] for g in gaps):g} uncovered post-hours")
    return 0
