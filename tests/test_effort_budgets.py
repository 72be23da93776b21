"""The effort budgets the contracts grant, counted from the work log booked against the
changes they cover: zhuhai 3 person-months of 功能升级改造 (warned at 80 %), beijing 48 of
小版本升级 with each change under 2. A person-month is 174 h (21.75 days × 8 h)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from opspact.calendar import SHANGHAI
from opspact.testing.plugin import auth
from opspact.testing.probes import query

MONTH = 174 * 60  # minutes


def upgrade(gateway, tenant: str, system: str, title: str) -> dict:
    now = datetime.now(SHANGHAI)
    r = gateway.post("/api/ticketing/changes", headers=auth(tenant, "vendor_engineer"), json={
        "kind": "upgrade", "risk": "low", "system": system, "title": title,
        "plan": "按需求清单改造并回归测试", "rollback_plan": "回退至上一版本",
        "window_start": (now + timedelta(days=1)).isoformat(),
        "window_end": (now + timedelta(days=2)).isoformat()})
    assert r.status_code == 201, r.text
    return r.json()


def book(gateway, tenant: str, change: dict, minutes: int) -> dict:
    """Work of `minutes` against the change, in whole days of at most 24 h (the log's cap)."""
    entry = None
    while minutes > 0:
        spent, minutes = min(minutes, 24 * 60), minutes - min(minutes, 24 * 60)
        r = gateway.post("/api/ticketing/worklog", headers=auth(tenant, "vendor_engineer"), json={
            "category": "change", "occurred_at": datetime.now(SHANGHAI).isoformat(),
            "initiator": "项目经理", "handler": "工程师甲", "handling": f"实施{change['number']}",
            "minutes_spent": spent, "change_id": change["id"]})
        assert r.status_code == 201, r.text
        entry = r.json()
    return entry


def budget(gateway, tenant: str) -> dict:
    r = gateway.get("/api/ticketing/effort-budgets", headers=auth(tenant, "client_admin"))
    assert r.status_code == 200, r.text
    [only] = r.json()
    return only


def warnings(stack, tenant: str) -> list[dict]:
    rows = query(stack, "SELECT payload->'data' AS data FROM ticketing.outbox WHERE tenant_id = $1 "
                        "AND event_type = 'ticketing.effort.warning.v1' ORDER BY seq", tenant)
    return [json.loads(r["data"]) for r in rows]


def test_zhuhai_upgrades_warn_at_80_percent_and_once_more_when_used_up(stack, gateway):
    start = budget(gateway, "zhuhai")
    assert start["person_months_total"] == "3" and "3个人月" in start["clause"]
    used_before = start["used"]
    change = upgrade(gateway, "zhuhai", "smart-station", "派出所综合查询页面改版")
    before = len(warnings(stack, "zhuhai"))
    # 2.5 person-months (435 h): past 80 % of 3 — one warning
    book(gateway, "zhuhai", change, int(2.5 * MONTH) - round(float(used_before) * MONTH))
    now = budget(gateway, "zhuhai")
    assert now["state"] == "warning" and now["used"] == "2.50" and now["remaining"] == "0.50"
    assert [c["number"] for c in now["changes"]][-1] == change["number"]
    fired = warnings(stack, "zhuhai")[before:]
    assert [(w["state"], w["budget"], w["change"]) for w in fired] == [
        ("warning", "功能升级改造", change["number"])]
    book(gateway, "zhuhai", change, 60)  # still a warning: nothing new
    assert len(warnings(stack, "zhuhai")) == before + 1
    book(gateway, "zhuhai", change, MONTH)  # past 3: exhausted, announced once
    assert budget(gateway, "zhuhai")["state"] == "exhausted"
    assert [w["state"] for w in warnings(stack, "zhuhai")[before:]] == ["warning", "exhausted"]


def test_beijing_one_change_reaching_two_person_months_is_flagged(stack, gateway):
    change = upgrade(gateway, "beijing", "residence-permit", "居住证签注模块调整")
    before = len(warnings(stack, "beijing"))
    book(gateway, "beijing", change, MONTH)
    assert len(warnings(stack, "beijing")) == before  # 1 of 48: fine
    book(gateway, "beijing", change, MONTH)  # the change now at 2: "单次工作量小于 2 人月" broken
    mine = next(c for c in budget(gateway, "beijing")["changes"] if c["number"] == change["number"])
    assert mine["person_months"] == "2.00" and mine["over_each_limit"]
    [fired] = warnings(stack, "beijing")[before:]
    assert fired["over_item_limit"] and fired["each_under"] == "2" and fired["change_used"] == "2.00"


def test_booking_against_an_unknown_change_is_refused(gateway):
    r = gateway.post("/api/ticketing/worklog", headers=auth("zhuhai", "vendor_engineer"), json={
        "category": "change", "occurred_at": datetime.now(SHANGHAI).isoformat(), "initiator": "x",
        "handler": "y", "handling": "z", "minutes_spent": 5,
        "change_id": "00000000-0000-0000-0000-000000000000"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "body.change_id"
