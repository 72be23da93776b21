"""The gateway's audit log: what gets written, that it cannot be changed in place,
and that `opspact audit verify` finds any edit, removal or reordering."""

import asyncio
import json
import uuid

import asyncpg
import pytest
from opspact.auditchain import chain_hash, verify
from opspact.cli.main import main as cli
from opspact.db import asyncpg_connect_args
from opspact.testing.plugin import auth, wait_until
from opspact.testing.probes import query


def entries(stack, **match) -> list[dict]:
    rows = query(stack, "SELECT position, entry FROM gateway.audit_log ORDER BY position")
    found = [json.loads(r["entry"]) for r in rows]
    return [e for e in found if all(e.get(k) == v for k, v in match.items())]


def test_changes_and_refusals_are_recorded(stack, gateway):
    marker = uuid.uuid4().hex[:8]
    created = gateway.post("/api/ticketing/tickets", headers={
        **auth("xinjiang", "vendor_engineer"), "X-Request-Id": f"req-{marker}"},
        json={"system": "12123-fees", "title": f"审计 {marker}"})
    assert created.status_code == 201
    gateway.get("/api/ticketing/tickets", headers={"Authorization": "Bearer nonsense",
                                                   "X-Request-Id": f"bad-{marker}"})
    gateway.post("/api/ticketing/tickets/import", headers={
        **auth("xinjiang", "client_viewer"), "X-Request-Id": f"deny-{marker}",
        "Content-Type": "text/csv"}, content=b"x")
    ok = wait_until(lambda: entries(stack, request_id=f"req-{marker}"))[0]
    assert (ok["actor"], ok["tenant"], ok["method"], ok["status"], ok["outcome"]) == (
        "opspact-cli", "xinjiang", "POST", 201, "ok")
    bad = wait_until(lambda: entries(stack, request_id=f"bad-{marker}"))[0]
    assert (bad["actor"], bad["status"], bad["outcome"]) == ("anonymous", 401, "refused")
    assert "token rejected" in bad["reason"]
    denied = wait_until(lambda: entries(stack, request_id=f"deny-{marker}"))[0]
    assert denied["status"] == 403 and "tickets.import" in denied["reason"]
    assert denied["roles"] == ["client_viewer"]
    # reads that succeed are not audited
    gateway.get("/api/ticketing/tickets", headers={**auth("xinjiang", "auditor"),
                                                   "X-Request-Id": f"read-{marker}"})
    assert entries(stack, request_id=f"read-{marker}") == []


def test_the_log_is_append_only_even_for_its_owner(stack):
    for statement in ("UPDATE gateway.audit_log SET entry = '{}'",
                      "DELETE FROM gateway.audit_log"):
        with pytest.raises(asyncpg.exceptions.RaiseError, match="append-only"):
            query(stack, statement)


async def _tamper(url: str, position: int, entry: str) -> str:
    conn = await asyncpg.connect(**asyncpg_connect_args(url))
    try:
        async with conn.transaction():
            await conn.execute("ALTER TABLE gateway.audit_log DISABLE TRIGGER audit_log_append_only")
            old = await conn.fetchval("SELECT entry FROM gateway.audit_log WHERE position = $1",
                                      position)
            await conn.execute("UPDATE gateway.audit_log SET entry = $2 WHERE position = $1",
                               position, entry)
            await conn.execute("ALTER TABLE gateway.audit_log ENABLE TRIGGER audit_log_append_only")
        return old
    finally:
        await conn.close()


def test_verify_finds_an_edit(stack, gateway, monkeypatch, capsys):
    gateway.post("/api/ticketing/tickets", headers=auth("zhuhai", "vendor_engineer"),
                 json={"system": "smart-station", "title": "审计链"})
    monkeypatch.setenv("OPSPACT_DATABASE_URL", stack.database_url)
    assert cli(["audit", "verify"]) == 0
    assert "entries verified; head position" in capsys.readouterr().out
    original = asyncio.run(_tamper(stack.database_url, 1, '{"actor":"someone else"}'))
    try:
        assert cli(["audit", "verify"]) == 1
        assert "broken at position 1: its content was changed" in capsys.readouterr().err
    finally:
        asyncio.run(_tamper(stack.database_url, 1, original))
    assert cli(["audit", "verify"]) == 0


def test_verify_finds_removals_and_reordering(stack):
    rows = [(r["position"], r["entry"], r["prev_hash"], r["hash"]) for r in query(
        stack, "SELECT position, entry, prev_hash, hash FROM gateway.audit_log ORDER BY position")]
    assert len(rows) >= 3
    assert verify(rows) == (len(rows), None)
    removed = rows[:1] + rows[2:]
    assert "missing" in verify(removed)[1].reason
    renumbered = rows[:1] + [(p - 1, e, ph, h) for p, e, ph, h in rows[2:]]
    assert "does not follow" in verify(renumbered)[1].reason
    swapped = [(1, *rows[1][1:]), (2, *rows[0][1:])] + rows[2:]  # two entries trade places
    assert verify(swapped)[1].position == 1 and "does not follow" in verify(swapped)[1].reason
    forged = list(rows)
    forged[1] = (2, '{"x":1}', rows[1][2], chain_hash(rows[1][2], '{"x":1}'))
    assert "does not follow" in verify(forged)[1].reason  # the next entry still points back
