"""`opspact <noun> <verb>`: exits non-zero with one clear line on failure."""

from __future__ import annotations

import argparse
import sys

from opspact.cli import (
    audit,
    backup,
    billing,
    contract,
    db,
    demo,
    events,
    hook,
    inventory,
    notify,
    openapi,
    report,
    roster,
    sla,
    tenant,
    token,
    up,
)
from opspact.cli.common import CliError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="opspact", description="OpsPact command line")
    nouns = parser.add_subparsers(dest="noun", required=True)
    up.register(nouns)
    token.register(nouns)
    tenant.register(nouns)
    db.register(nouns)
    sla.register(nouns)
    hook.register(nouns)
    audit.register(nouns)
    inventory.register(nouns)
    roster.register(nouns)
    billing.register(nouns)
    notify.register(nouns)
    events.register(nouns)
    report.register(nouns)
    openapi.register(nouns)
    contract.register(nouns)
    demo.register(nouns)
    backup.register(nouns)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args) or 0
    except KeyboardInterrupt:
        return 130
    except CliError as exc:
        print(f"opspact: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
