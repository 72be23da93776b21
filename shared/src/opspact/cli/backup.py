"""`opspact backup --out DIR` and `opspact restore DIR` (opspact.backup)."""

from __future__ import annotations

import os
from pathlib import Path

from opspact.cli.common import CliError


def register(nouns) -> None:
    backup = nouns.add_parser("backup", help="back up the database (every service, one snapshot)")
    backup.add_argument("--out", type=Path, required=True, help="a new, empty folder")
    backup.add_argument("--database-url", help="default: OPSPACT_DATABASE_URL, else the running "
                                               "`opspact up` of --data-dir")
    backup.add_argument("--data-dir", type=Path, default=Path(".opspact"))
    backup.set_defaults(func=_backup)
    restore = nouns.add_parser("restore", help="restore a backup into an empty database "
                                               "(for `opspact up`: `opspact up --restore DIR`)")
    restore.add_argument("folder", type=Path)
    restore.add_argument("--database-url", help="default: OPSPACT_DATABASE_URL")
    restore.set_defaults(func=_restore)


def database_url(given: str | None, data_dir: Path | None = None) -> str:
    url = given or os.environ.get("OPSPACT_DATABASE_URL")
    if url:
        return url
    socket = (data_dir or Path(".opspact")).resolve() / "run"
    if data_dir is not None and socket.is_dir():
        return f"postgresql+asyncpg://postgres@/opspact?host={socket}"
    raise CliError("which database? give --database-url or set OPSPACT_DATABASE_URL")


def _backup(args) -> int:
    from opspact.backup import BackupError, backup
    try:
        manifest = backup(database_url(args.database_url, args.data_dir), args.out)
    except BackupError as exc:
        raise CliError(str(exc)) from exc
    versions = ", ".join(f"{s} {v}" for s, v in manifest["schemas"].items() if v)
    print(f"backed up into {args.out}: {len(manifest['files'])} files, schemas at {versions}")
    return 0


def _restore(args) -> int:
    from opspact.backup import BackupError, restore
    try:
        manifest = restore(args.folder, database_url(args.database_url))
    except BackupError as exc:
        raise CliError(str(exc)) from exc
    print(f"restored the backup of {manifest['created_at']}; start the services (their migrations "
          "find the schemas at the backup's versions and bring them to this release's)")
    return 0
