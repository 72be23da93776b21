"""`opspact notify replay --tenant T`: send the dead letters (failed messages) again, e.g.
after a provider outage or once a template is approved. Without ids it takes every failed
message matching the filters; `--dry-run` lists them and sends nothing."""

from __future__ import annotations

from opspact.cli.common import CliError, api_call, print_json, print_table

PAGE = 200
BATCH = 1000  # what POST /notifications/replay takes at once


def register(nouns) -> None:
    parser = nouns.add_parser("notify", help="notifications: dead letters")
    verbs = parser.add_subparsers(dest="verb", required=True)
    replay = verbs.add_parser("replay", help="requeue failed messages (all, or the ids given)")
    replay.add_argument("--tenant", required=True)
    replay.add_argument("ids", nargs="*", help="notification ids (default: every failed one "
                                               "matching the filters)")
    replay.add_argument("--channel", help="sms, email or robot")
    replay.add_argument("--rule", help="only messages of this routing rule")
    replay.add_argument("--since", help="created at or after (ISO 8601 with offset)")
    replay.add_argument("--until", help="created before (ISO 8601 with offset)")
    replay.add_argument("--dry-run", action="store_true", help="list what would be requeued")
    replay.add_argument("--json", action="store_true")
    replay.set_defaults(func=_replay)


def failed_messages(args) -> list[dict]:
    """Every failed message matching the filters, all pages."""
    params = {"status": "failed", "limit": PAGE, "channel": args.channel, "rule": args.rule,
              "from": args.since, "to": args.until}
    params = {k: v for k, v in params.items() if v is not None}
    found: list[dict] = []
    while True:
        page = api_call("GET", "/api/notify/notifications", args.tenant, ["vendor_manager"],
                        params={**params, "offset": len(found)}).json()
        found.extend(page["items"])
        if not page["items"] or len(found) >= page["total"]:
            return found


def _replay(args) -> int:
    if args.ids and (args.channel or args.rule or args.since or args.until):
        raise CliError("give ids or filters, not both")
    ids = list(dict.fromkeys(args.ids))
    listed = []
    if not ids:
        listed = failed_messages(args)
        ids = [m["id"] for m in listed]
    if args.dry_run and args.json:
        print_json({"dry_run": True, "ids": ids, "messages": listed})
        return 0
    if args.dry_run:
        print_table([{"id": m["id"], "channel": m["channel"], "to": m["contact"] or m["recipient"],
                      "rule": m["rule"] or "", "reason": (m["reason"] or "")[:60]} for m in listed]
                    if listed else [{"id": i} for i in ids], ["id", "channel", "to", "rule", "reason"])
        print(f"{len(ids)} message(s) would be requeued (dry run: nothing sent)")
        return 0
    if not ids:
        print("no failed messages to replay")
        return 0
    requeued, skipped = 0, {}
    for start in range(0, len(ids), BATCH):
        answer = api_call("POST", "/api/notify/notifications/replay", args.tenant, ["vendor_manager"],
                          json={"ids": ids[start:start + BATCH]}).json()
        requeued += len(answer["requeued"])
        skipped.update(answer["skipped"])
    if args.json:
        print_json({"requeued": requeued, "skipped": skipped})
        return 0 if not skipped or requeued else 1
    for notification_id, why in skipped.items():
        print(f"skipped {notification_id}: {why}")
    print(f"requeued {requeued} message(s), skipped {len(skipped)}")
    return 0 if not skipped or requeued else 1
