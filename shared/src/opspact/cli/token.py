"""`opspact token issue`: a dev token for the gateway (refused outside dev)."""

from __future__ import annotations

from opspact.auth import ROLES
from opspact.cli.common import dev_token


def register(nouns) -> None:
    parser = nouns.add_parser("token", help="dev tokens")
    verbs = parser.add_subparsers(dest="verb", required=True)
    issue = verbs.add_parser("issue", help="print a dev JWT for the gateway")
    issue.add_argument("--tenant", action="append", required=True,
                       help="tenant slug; repeat for a vendor granted several tenants")
    issue.add_argument("--role", action="append", required=True, choices=ROLES)
    issue.add_argument("--subject", default="dev-user")
    issue.set_defaults(func=_issue)


def _issue(args) -> int:
    print(dev_token(args.tenant, args.role, args.subject))
    return 0
