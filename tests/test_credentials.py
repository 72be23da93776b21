"""The credential custody register (wuqia's VPN and server accounts) and the inventory
watch: overdue rotations and roster gaps, each announced exactly once."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from inventory.watch import InventoryWatch
from opspact.testing.plugin import auth
from opspact.testing.probes import leader_ticks, query

MANAGER = auth("wuqia", "vendor_manager")
CREDENTIALS = "/api/inventory/credentials"


def iso(instant: datetime) -> str:
    return instant.isoformat()


@pytest.fixture(scope="module")
def holder(gateway):
    code = f"eng-{uuid.uuid4().hex[:6]}"
    r = gateway.post("/api/inventory/staff", headers=MANAGER, json={
        "code": code, "name": "工程师甲", "role": "运维工程师"})
    assert r.status_code == 201, r.text
    return code


def register(gateway, holder, expect=201, **overrides):
    body = {"code": f"cred-{uuid.uuid4().hex[:8]}", "asset": "db-master",
            "account": f"dba-{uuid.uuid4().hex[:6]}", "kind": "database", "privilege": "admin",
            "custodian": {"name": "专管员甲", "unit": "科技信息化科", "role": "系统专管员"},
            "holders": [holder], "rotation_interval_days": 90,
            "last_rotated_at": iso(datetime.now(UTC) - timedelta(days=10)), **overrides}
    r = gateway.post(CREDENTIALS, headers=MANAGER, json=body)
    assert r.status_code == expect, r.text
    return r.json()


def test_register_rotate_retire(stack, gateway, holder):
    entry = register(gateway, holder)
    assert not entry["overdue"] and entry["days_overdue"] == 0
    due = datetime.fromisoformat(entry["rotation_due_at"])
    assert timedelta(days=79) < due - datetime.now(UTC) < timedelta(days=81)
    # never rotated (or nobody knows when): due at once
    unknown = register(gateway, holder, last_rotated_at=None, kind="vpn", asset="vpn-03")
    assert unknown["overdue"]
    listed = gateway.get(CREDENTIALS, headers=auth("wuqia", "auditor"),
                         params={"overdue": "true", "limit": 200}).json()
    assert unknown["code"] in {c["code"] for c in listed["items"]}
    assert entry["code"] not in {c["code"] for c in listed["items"]}

    rotated_at = datetime.now(UTC) - timedelta(hours=1)
    r = gateway.post(f"{CREDENTIALS}/{unknown['code']}/rotations", headers=MANAGER,
                     json={"rotated_at": iso(rotated_at), "note": "季度轮换"})
    assert r.status_code == 200, r.text
    assert not r.json()["overdue"]
    assert datetime.fromisoformat(r.json()["rotation_due_at"]) == rotated_at + timedelta(days=90)
    # an older rotation than the one on record is a mistake
    r = gateway.post(f"{CREDENTIALS}/{unknown['code']}/rotations", headers=MANAGER,
                     json={"rotated_at": iso(rotated_at - timedelta(days=1))})
    assert r.status_code == 409, r.text
    history = gateway.get(f"{CREDENTIALS}/{unknown['code']}/rotations", headers=MANAGER).json()
    assert [h["note"] for h in history] == ["季度轮换"] and history[0]["recorded_by"]

    r = gateway.patch(f"{CREDENTIALS}/{entry['code']}", headers=auth("wuqia", "client_admin"),
                      json={"rotation_interval_days": 5})
    assert r.status_code == 200 and r.json()["overdue"] and r.json()["days_overdue"] == 5
    r = gateway.post(f"{CREDENTIALS}/{entry['code']}/retire", headers=MANAGER,
                     json={"reason": "账号已删除"})
    assert r.status_code == 200 and r.json()["status"] == "retired" and not r.json()["overdue"]
    r = gateway.post(f"{CREDENTIALS}/{entry['code']}/retire", headers=MANAGER,
                     json={"reason": "再次"})
    assert r.status_code == 409
    types = {row["event_type"] for row in query(
        stack, "SELECT event_type FROM inventory.outbox WHERE payload->>'subject' = ANY($1::text[])",
        [entry["code"], unknown["code"]])}
    assert types >= {"inventory.credential.registered.v1", "inventory.credential.rotated.v1",
                     "inventory.credential.updated.v1", "inventory.credential.retired.v1"}


@pytest.mark.parametrize(("overrides", "status", "needle"), [
    ({"password": "x"}, 422, "never stores secrets"),
    ({"secret": "x", "token": "y"}, 422, "secret, token"),
    ({"notes": "root 密码：Abc@123"}, 422, "hold a password"),
    ({"notes": "password = hunter2"}, 422, "hold a password"),
    ({"asset": "no-such-asset"}, 422, "not in the register"),
    ({"holders": ["nobody-here"]}, 422, "not active staff"),
    ({"holders": ["a", "a"]}, 422, "listed twice"),
    ({"rotation_interval_days": 0}, 422, "rotation_interval_days"),
    ({"last_rotated_at": "2099-01-01T00:00:00+08:00"}, 422, "in the future"),
    ({"last_rotated_at": "2999-01-01T00:00:00+08:00"}, 422, "plausible span"),
    ({"last_rotated_at": "1700000000"}, 422, "ISO 8601"),
    ({"kind": "ssh-key"}, 422, "kind"),
])
def test_bad_register_input(gateway, holder, overrides, status, needle):
    before = query_count(gateway)
    r = register(gateway, holder, expect=status, **overrides)
    assert needle in str(r), r
    assert query_count(gateway) == before


def query_count(gateway):
    return gateway.get(CREDENTIALS, headers=MANAGER, params={"limit": 1}).json()["total"]


def test_same_account_twice_is_a_conflict(gateway, holder):
    first = register(gateway, holder)
    r = register(gateway, holder, expect=409, account=first["account"])
    assert "already registered" in r["detail"]


def test_notes_without_a_secret_are_fine(gateway, holder):
    entry = register(gateway, holder, notes="密码由专管员保管，存放于保险柜；轮换后当面交接")
    assert entry["notes"].startswith("密码由")


def _ticks(url: str, watches: int, rounds: int) -> list[tuple[int, int]]:
    # several watches at once, as in a split brain: still one event each
    return leader_ticks(url, lambda db: InventoryWatch(db, gap_horizon_days=3), watches, rounds)


def overdue_events(stack, code):
    return query(stack, "SELECT payload->'data'->>'days_overdue' AS days FROM inventory.outbox "
                        "WHERE event_type = "
                        "'inventory.credential.rotation_overdue.v1' AND payload->>'subject' = $1", code)


def test_overdue_rotation_announced_once_per_due_date(stack, gateway, holder):
    late = register(gateway, holder, rotation_interval_days=30,
                    last_rotated_at=iso(datetime.now(UTC) - timedelta(days=45)))
    fine = register(gateway, holder)
    url = stack.app_database_url("inventory")
    _ticks(url, watches=2, rounds=2)
    events = overdue_events(stack, late["code"])
    assert len(events) == 1, events
    assert events[0]["days"] == "15"
    assert overdue_events(stack, fine["code"]) == []
    # rotated, then due again (owner SQL moves the date): a new due date, a new event
    r = gateway.post(f"{CREDENTIALS}/{late['code']}/rotations", headers=MANAGER,
                     json={"rotated_at": iso(datetime.now(UTC))})
    assert r.status_code == 200
    _ticks(url, watches=1, rounds=1)
    assert len(overdue_events(stack, late["code"])) == 1
    query(stack, "UPDATE inventory.credentials SET rotation_due_at = now() - interval '1 day' "
                 "WHERE tenant_id = 'wuqia' AND code = $1", late["code"])
    _ticks(url, watches=2, rounds=2)
    assert len(overdue_events(stack, late["code"])) == 2


def gap_events(stack):
    return query(stack, "SELECT payload->'data'->>'post' AS post, payload->'data'->>'starts_at' AS s, "
                        "payload->'data'->>'ends_at' AS e FROM inventory.outbox WHERE "
                        "event_type = 'inventory.roster.gap.v1' AND tenant_id = 'xinjiang'")


def test_roster_gaps_announced_once_and_again_when_they_change(stack, gateway):
    url = stack.app_database_url("inventory")
    _ticks(url, watches=2, rounds=2)
    first = gap_events(stack)
    keys = [(g["post"], g["s"], g["e"]) for g in first]
    assert len(keys) == len(set(keys)), "a gap announced twice"
    now = datetime.now(UTC)
    future_hq = sorted(k for k in keys if k[0] == "hq" and datetime.fromisoformat(k[1]) > now)
    assert future_hq, keys  # xinjiang's HQ post is not rostered in the coming working days
    # cover the first four hours of the next HQ gap with its three required people
    post, starts, ends = future_hq[0]
    start = datetime.fromisoformat(starts)
    run = uuid.uuid4().hex[:4]
    manager = auth("xinjiang", "vendor_manager")
    people = []
    for n in range(3):
        r = gateway.post("/api/inventory/staff", headers=manager, json={
            "code": f"gap{n}-{run}", "name": f"值守{n}", "role": "驻场工程师", "post": "hq"})
        assert r.status_code == 201, r.text
        people.append(r.json()["code"])
    r = gateway.post("/api/inventory/roster/shifts", headers=manager, json={"shifts": [
        {"post": "hq", "staff": p, "starts_at": starts, "ends_at": iso(start + timedelta(hours=4))}
        for p in people]})
    assert r.status_code == 201, r.text
    _ticks(url, watches=1, rounds=2)
    later = [(g["post"], g["s"], g["e"]) for g in gap_events(stack)]
    assert len(later) == len(set(later))
    new = set(later) - set(keys)
    assert ("hq", iso(start + timedelta(hours=4)), ends) in new, new
