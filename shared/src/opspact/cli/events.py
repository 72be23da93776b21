"""`opspact events list|replay --tenant T`: the events a consumer could not apply (dead
letters, parked with their error) and applying them again once the cause is fixed."""

from __future__ import annotations

from opspact.cli.common import CliError, api_call, print_json, print_table
from opspact.permissions import CONSUMING_SERVICES

PAGE = 200
ROLES = ["vendor_manager"]


def register(nouns) -> None:
    parser = nouns.add_parser("events", help="events a consumer parked (dead letters)")
    verbs = parser.add_subparsers(dest="verb", required=True)
    listing = verbs.add_parser("list", help="parked events of a tenant, every consuming service")
    listing.add_argument("--tenant", required=True)
    listing.add_argument("--service", choices=CONSUMING_SERVICES, help="default: all of them")
    listing.add_argument("--all", action="store_true", help="replayed ones too")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(func=_list)
    replay = verbs.add_parser("replay", help="apply parked events again (the ids given, or all)")
    replay.add_argument("--tenant", required=True)
    replay.add_argument("--service", choices=CONSUMING_SERVICES, required=True)
    replay.add_argument("ids", nargs="*", type=int, help="dead-letter ids (default: every parked one)")
    replay.set_defaults(func=_replay)


def parked(tenant: str, service: str, status: str = "parked") -> list[dict]:
    """Every dead letter of `status` (parked, replayed or all), all pages."""
    found: list[dict] = []
    while True:
        page = api_call("GET", f"/api/{service}/dead-letters", tenant, ROLES, params={
            "status": status, "limit": PAGE, "offset": len(found)}).json()
        found.extend({**item, "service": service} for item in page["items"])
        if not page["items"] or len(found) >= page["total"]:
            return found


def _list(args) -> int:
    services = [args.service] if args.service else list(CONSUMING_SERVICES)
    letters = [x for s in services for x in parked(args.tenant, s, "all" if args.all else "parked")]
    if args.json:
        print_json(letters)
        return 0
    if not letters:
        print("no parked events")
        return 0
    print_table([{"service": x["service"], "id": x["id"], "type": x["event_type"],
                  "status": x["status"], "parked": x["parked_at"][:16],
                  "error": x["error"][:60]} for x in letters],
                ["service", "id", "type", "status", "parked", "error"])
    return 0


def _replay(args) -> int:
    ids = list(dict.fromkeys(args.ids)) or [x["id"] for x in parked(args.tenant, args.service)]
    if not ids:
        print("no parked events to replay")
        return 0
    failed = 0
    for letter_id in ids:
        try:
            api_call("POST", f"/api/{args.service}/dead-letters/{letter_id}/replay", args.tenant, ROLES)
            print(f"replayed {letter_id}")
        except CliError as exc:
            failed += 1
            print(f"not replayed {letter_id}: {exc}")
    print(f"replayed {len(ids) - failed} of {len(ids)}")
    if failed:
        raise CliError(f"{failed} event(s) still cannot be applied")
    return 0
