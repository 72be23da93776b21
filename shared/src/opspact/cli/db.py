"""`opspact db migrate`: roles, schemas and every service's migrations against
OPSPACT_DATABASE_URL (the compose `migrate` service and the k8s migration Job)."""

from __future__ import annotations

import os
from pathlib import Path

from opspact.cli.common import CliError
from opspact.cli.stack import Stack, StackError


def register(nouns) -> None:
    parser = nouns.add_parser("db", help="database")
    verbs = parser.add_subparsers(dest="verb", required=True)
    migrate = verbs.add_parser("migrate", help="bootstrap roles/schemas and migrate every service")
    migrate.set_defaults(func=_migrate)


def _migrate(args) -> int:
    url = os.environ.get("OPSPACT_DATABASE_URL")
    if not url:
        raise CliError("OPSPACT_DATABASE_URL is not set")
    stack = Stack(data_dir=Path(os.environ.get("OPSPACT_DATA_DIR", "/tmp/opspact")),
                  external=True, database_url=url)
    try:
        stack.bootstrap_database(os.environ.get("OPSPACT_APP_ROLE_PASSWORD"))
        stack.migrate()
    except StackError as exc:
        raise CliError(str(exc)) from exc
    print("database ready: roles, schemas and migrations of every service are current")
    return 0
