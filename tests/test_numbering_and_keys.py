"""Numbers per tenant and year, idempotency keys per caller (issue 21: one sequence let each
client watch the others' volume; a change's key reused with another body answered 200 with
the old change; keys were shared between the users of a tenant)."""

import re
import uuid
from datetime import datetime

from opspact.calendar import SHANGHAI
from opspact.testing.plugin import auth

API = "/api/ticketing"


def _ticket(gateway, tenant: str, system: str) -> dict:
    r = gateway.post(f"{API}/tickets", headers=auth(tenant, "vendor_engineer"),
                     json={"system": system, "title": "编号测试"})
    assert r.status_code == 201, r.text
    return r.json()


def _n(number: str) -> int:
    match = re.fullmatch(r"T(\d{4})-(\d{6})", number)
    assert match and int(match[1]) == datetime.now(SHANGHAI).year, number
    return int(match[2])


def test_numbers_count_per_tenant(gateway):
    first = _ticket(gateway, "xinjiang", "12123-fees")
    for _ in range(3):  # another tenant's volume in between
        _ticket(gateway, "zhuhai", "smart-station")
    second = _ticket(gateway, "xinjiang", "12123-fees")
    assert _n(second["number"]) == _n(first["number"]) + 1
    fetched = gateway.get(f"{API}/tickets/{second['id']}", headers=auth("xinjiang", "auditor")).json()
    assert fetched["number"] == second["number"]


def change_body(**extra) -> dict:
    return {"kind": "business_config", "risk": "low", "system": "12123-fees", "title": "调整缴费参数",
            "plan": "修改配置", "rollback_plan": "恢复备份", "window_start": "2030-01-01T22:00:00+08:00",
            "window_end": "2030-01-01T23:00:00+08:00", **extra}


def test_a_change_key_reused_with_another_body_is_a_conflict(gateway):
    key = {"Idempotency-Key": uuid.uuid4().hex}
    engineer = {**auth("xinjiang", "vendor_engineer"), **key}
    first = gateway.post(f"{API}/changes", headers=engineer, json=change_body())
    assert first.status_code == 201, first.text
    assert re.fullmatch(r"C\d{4}-\d{6}", first.json()["number"])
    again = gateway.post(f"{API}/changes", headers=engineer, json=change_body())
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    other = gateway.post(f"{API}/changes", headers=engineer, json=change_body(title="另一个变更"))
    assert other.status_code == 409 and "Idempotency-Key" in other.json()["detail"]


def test_keys_belong_to_the_caller(gateway):
    key = uuid.uuid4().hex
    body = {"system": "12123-fees", "title": "同一个键"}
    mine = gateway.post(f"{API}/tickets", json=body, headers={
        **auth("xinjiang", "vendor_engineer"), "Idempotency-Key": key})
    theirs = gateway.post(f"{API}/tickets", json=body, headers={
        "Authorization": _other_user_token(), "Idempotency-Key": key})
    assert (mine.status_code, theirs.status_code) == (201, 201), theirs.text
    assert mine.json()["id"] != theirs.json()["id"]


def _other_user_token() -> str:
    from opspact.cli.common import dev_token
    return "Bearer " + dev_token(["xinjiang"], ["vendor_engineer"], subject="another-engineer")
