"""Backup and restore, end to end: zhuhai's demo year loaded on one stack, backed up while it
runs, restored into a fresh stack; the restored one answers the same, its archived reports
are byte-identical, nothing is sent again, and new events flow."""

import asyncio
import hashlib
import json
import os
import shutil
import subprocess
import sys
import uuid

import asyncpg
import httpx
import pytest
from opspact import DATABASE_USERS
from opspact.backup import BackupError, backup, restore, verify
from opspact.cli.stack import DEFAULT_PORTS, Stack, listen_ports, repo_root
from opspact.db.engine import asyncpg_connect_args
from opspact.testing.demo import stack_with_demo_year
from opspact.testing.plugin import auth, sign_hooks, wait_until

TENANT = "zhuhai"
# lists whose answers depend only on what was stored, not on the clock
STABLE = ["/api/ticketing/tickets?limit=200&sort=created_at", "/api/billing/milestones",
          "/api/billing/ledger?limit=200", "/api/ticketing/report-archive?limit=50",
          "/api/inventory/staff", "/api/ticketing/knowledge?limit=50",
          "/api/ticketing/worklog?limit=200", "/api/ticketing/changes?limit=50",
          "/api/ticketing/inspections/rounds?from=2024-10-01&to=2024-11-01&limit=200",
          "/api/billing/statement?from=2023-11-09&to=2024-12-31"]
VOLATILE = {"remaining_seconds", "generated_at"}


def stable(value):
    """An answer without what is computed from the current time."""
    if isinstance(value, dict):
        return {k: stable(v) for k, v in value.items() if k not in VOLATILE}
    if isinstance(value, list):
        return [stable(v) for v in value]
    return value


def client_for(stack: Stack) -> httpx.Client:
    return httpx.Client(base_url=stack.url("gateway"), timeout=120,
                        headers={**auth(TENANT, "vendor_manager"), "X-OpsPact-Tenant": TENANT})


def answers(client: httpx.Client) -> dict[str, object]:
    found = {}
    for path in STABLE:
        response = client.get(path)
        assert response.status_code == 200, (path, response.text)
        found[path] = stable(response.json())
    return found


def archived_hashes(client: httpx.Client) -> dict[str, str]:
    hashes = {}
    for item in client.get("/api/ticketing/report-archive", params={"limit": 50}).json()["items"]:
        for file in item["files"]:
            content = client.get(f"/api/ticketing/report-archive/{item['id']}/{file['format']}").content
            hashes[f"{item['kind']}/{item['period']}/v{item['version']}.{file['format']}"] = \
                hashlib.sha256(content).hexdigest()
    return hashes


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    with stack_with_demo_year(tmp_path_factory.mktemp("source"), TENANT) as (stack, _):
        with client_for(stack) as client:
            for period in ("2024-09", "2024-10"):
                r = client.post("/api/ticketing/report-archive", json={"kind": "monthly", "period": period})
                assert r.status_code in (200, 201), r.text
            # billing has taken in the history before the snapshot
            wait_until(lambda: client.get("/api/billing/ledger", params={"limit": 1}).json()["total"] > 0,
                       60, message="the ledger")
        yield stack


def test_a_restored_stack_answers_the_same_and_new_events_flow(source, tmp_path_factory):
    folder = tmp_path_factory.mktemp("backup") / "zhuhai-year"
    manifest = backup(source.database_url, folder)
    assert set(manifest["schemas"]) >= {"ticketing", "inventory", "billing", "notify", "gateway"}
    assert all(manifest["schemas"].values())
    with client_for(source) as client:
        before, files_before = answers(client), archived_hashes(client)
    sent_before = httpx.get(f"{source.url('sms-sink')}/messages").json()["total"]
    assert len(files_before) == 4 and sent_before >= 0

    target = Stack(data_dir=tmp_path_factory.mktemp("target"),
                   ports=listen_ports(DEFAULT_PORTS, taken=source.ports.values()), durable=False)
    target.start(restore_from=folder)
    try:
        with client_for(target) as client:
            after = answers(client)
            for path in STABLE:
                assert after[path] == before[path], path
            assert archived_hashes(client) == files_before  # the archived files, byte for byte
            # nothing announced again: the restored outbox was published before the backup
            sink = f"{target.url('sms-sink')}/messages"
            assert httpx.get(sink).json()["total"] == 0
            # and new work flows: a fault through the hook, the engineer on duty texted
            fault = {"id": f"restored-{uuid.uuid4().hex[:6]}", "status": "firing",
                     "system": "smart-station", "title": "恢复后新故障"}
            with httpx.Client(base_url=target.url("gateway"), timeout=30,
                              event_hooks={"request": [sign_hooks]}) as monitor:
                r = monitor.post(f"/hooks/{TENANT}/generic", json=fault)
            assert r.status_code == 201, r.text
            wait_until(lambda: httpx.get(sink).json()["total"] >= 1, 30, message="the new fault's SMS")
            texts = [m["content"] for m in httpx.get(sink).json()["items"]]
            assert all("恢复后新故障" in t for t in texts), texts
    finally:
        target.stop()


def test_a_damaged_backup_is_refused_before_anything_is_written(source, tmp_path_factory):
    folder = tmp_path_factory.mktemp("damaged") / "b"
    backup(source.database_url, folder)
    verify(folder)
    manifest = json.loads((folder / "manifest.json").read_text())
    victim = folder / next(p for p in manifest["files"] if p.startswith("database/") and p.endswith(".gz"))
    data = bytearray(victim.read_bytes())
    data[len(data) // 2] ^= 0xFF  # one flipped byte
    victim.write_bytes(bytes(data))
    with pytest.raises(BackupError, match="changed"):
        verify(folder)
    # a database that already holds OpsPact's tables is not a restore target
    intact = tmp_path_factory.mktemp("again") / "b"
    backup(source.database_url, intact)
    with pytest.raises(BackupError, match="already holds"):
        restore(intact, source.database_url)
    with pytest.raises(BackupError, match="not empty"):
        backup(source.database_url, intact)
    shutil.rmtree(intact)


def tables(url: str) -> dict[str, int]:
    async def count() -> dict[str, int]:
        conn = await asyncpg.connect(**asyncpg_connect_args(url))
        try:
            names = await conn.fetch("SELECT schemaname, tablename FROM pg_tables "
                                     "WHERE schemaname = ANY($1::text[])", list(DATABASE_USERS))
            return {f"{r['schemaname']}.{r['tablename']}":
                    await conn.fetchval(f'SELECT count(*) FROM {r["schemaname"]}."{r["tablename"]}"')
                    for r in names}
        finally:
            await conn.close()
    return asyncio.run(count())


def alembic(stack: Stack, service: str, *args: str) -> subprocess.CompletedProcess:
    ini = repo_root() / ("gateway" if service == "gateway" else f"services/{service}") / "alembic.ini"
    return subprocess.run([sys.executable, "-m", "alembic", "-c", str(ini), *args],
                          env={**os.environ, "OPSPACT_DATABASE_URL": stack.database_url},
                          capture_output=True, text=True, timeout=300)


def test_each_services_latest_migration_goes_down_and_up_again_on_a_full_database(source,
                                                                                 tmp_path_factory):
    """The previous release's schema with a year of data in it, brought to this release's:
    every row that schema held is there afterwards (and `downgrade -1` works for the latest
    migration of every service — a rollback's database step)."""
    folder = tmp_path_factory.mktemp("upgrade") / "b"
    backup(source.database_url, folder)
    database = Stack(data_dir=tmp_path_factory.mktemp("upgrade-db"),
                     ports=listen_ports(DEFAULT_PORTS, taken=source.ports.values()), durable=False)
    database.start_postgres()
    try:
        restore(folder, database.database_url)
        full = tables(database.database_url)
        assert full["ticketing.tickets"] > 300 and full["billing.ledger_entries"] > 0
        for service in ("ticketing", "inventory", "billing", "notify", "gateway"):
            done = alembic(database, service, "downgrade", "-1")
            assert done.returncode == 0, (service, done.stderr[-800:])
        previous = tables(database.database_url)  # the previous release's schema, with its data
        database.migrate()
        upgraded = tables(database.database_url)
        assert {t: upgraded[t] for t in previous} == {t: full[t] for t in previous}
        assert set(upgraded) == set(full)
    finally:
        database.stop()
