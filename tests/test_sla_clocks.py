"""SLA clocks start with the ticket, from the tenant file's policy, on its calendar."""

import copy
import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from opspact.calendar import WorkdayCalendar, due, parse_target
from opspact.cli.stack import repo_root
from opspact.tenancy.model import load_tenant_file
from opspact.testing.plugin import auth, wait_until
from opspact.testing.probes import fault, query


def tenant_file(slug: str):
    return load_tenant_file(repo_root() / "deploy" / "tenants" / f"{slug}.yaml")


def clocks(ticket: dict) -> dict[str, dict]:
    return {c["clock"]: c for c in ticket["sla"]}


def timeline_of(gateway, ticket: dict) -> list[dict]:
    return gateway.get(f"/api/ticketing/tickets/{ticket['id']}",
                       headers=auth(ticket["tenant"], "vendor_engineer")).json()["timeline"]


def test_xinjiang_hook_starts_on_site_and_resolution_clocks(gateway):
    r = gateway.post("/hooks/xinjiang/12123", json=fault(f"SLA-{uuid.uuid4().hex[:8]}"))
    assert r.status_code == 201, r.text
    ticket = r.json()
    sla = clocks(ticket)
    if any(e["action"] == "clock_not_started" for e in timeline_of(gateway, ticket)):
        pytest.skip("someone is rostered on site right now (another test's shift)")
    assert set(sla) == {"on_site", "resolution"}  # conditional targets wait for their state
    created = datetime.fromisoformat(ticket["created_at"])
    assert datetime.fromisoformat(sla["on_site"]["due_at"]) - created == timedelta(hours=2)
    assert datetime.fromisoformat(sla["resolution"]["due_at"]) - created == timedelta(hours=48)
    assert sla["on_site"]["due_at"].endswith("+08:00")
    assert "2小时内赶到现场" in sla["on_site"]["clause"]
    assert sla["resolution"]["state"] == "running"
    assert 0 < sla["on_site"]["remaining_seconds"] <= 7200
    # and the same clocks come back on read
    again = gateway.get(f"/api/ticketing/tickets/{ticket['id']}",
                        headers=auth("xinjiang", "vendor_engineer")).json()
    assert clocks(again)["resolution"]["due_at"] == sla["resolution"]["due_at"]


def test_zhuhai_resolution_counts_working_days(gateway):
    r = gateway.post("/api/ticketing/tickets", headers=auth("zhuhai", "vendor_engineer"),
                     json={"system": "smart-station", "title": "派出所系统登录失败",
                           "channel": "wechat_qq"})
    assert r.status_code == 201, r.text
    ticket = r.json()
    sla = clocks(ticket)
    assert sla["resolution"]["schedule"] == "working days"
    expected = due(datetime.fromisoformat(ticket["created_at"]), parse_target("5 working days"),
                   WorkdayCalendar())
    assert datetime.fromisoformat(sla["resolution"]["due_at"]) == expected
    assert sla["dispatch"]["target"] == "2 hours"


def test_tenant_without_policies_gets_no_clocks(gateway):
    r = gateway.post("/api/ticketing/tickets", headers=auth("wuqia", "vendor_engineer"),
                     json={"system": "data-pool", "title": "数据同步失败"})
    assert r.status_code == 201, r.text
    assert r.json()["sla"] == []


def test_deadline_in_a_year_without_calendar_is_explicit(stack, gateway):
    # A policy whose deadline reaches a year chinesecalendar does not know (2027 onwards).
    beijing = tenant_file("beijing")
    body = copy.deepcopy(beijing.slice_for("ticketing"))
    body["settings"]["sla"]["policies"].insert(0, {
        "name": "long-request", "match": {"kinds": ["service_request"]},
        "clocks": [{"clock": "resolution", "target": "200 working days", "clause": "测试条款"}]})
    admin = auth("beijing", "platform_admin")
    put = gateway.put("/api/ticketing/tenants/beijing", json=body, headers=admin)
    assert put.status_code in (200, 201), put.text
    try:
        system = beijing.services["ticketing"]["systems"][0]["code"]
        r = gateway.post("/api/ticketing/tickets", headers=auth("beijing", "vendor_engineer"),
                         json={"kind": "service_request", "system": system, "title": "申请扩容"})
        assert r.status_code == 201, r.text
        clock = clocks(r.json())["resolution"]
        assert clock["state"] == "calendar_missing" and clock["due_at"] is None
        assert clock["missing_year"] >= 2027
        rows = wait_until(lambda: query(
            stack, "SELECT payload FROM ticketing.outbox WHERE event_type = "
                   "'ticketing.calendar.missing.v1' AND payload->'data'->>'ticket_id' = $1",
            r.json()["id"]))
        assert str(clock["missing_year"]) in rows[0]["payload"]
    finally:
        restore = gateway.put("/api/ticketing/tenants/beijing",
                              json=beijing.slice_for("ticketing"), headers=admin)
        assert restore.status_code in (200, 201), restore.text


def test_bad_policy_is_refused_naming_it(gateway):
    zhuhai = tenant_file("zhuhai")
    body = copy.deepcopy(zhuhai.slice_for("ticketing"))
    body["settings"]["sla"]["policies"][0]["clocks"][0]["target"] = "-4h"
    r = gateway.put("/api/ticketing/tenants/zhuhai", json=body,
                    headers=auth("zhuhai", "platform_admin"))
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")
    assert "-4h" in r.text


def test_a_late_support_clock_reaches_billing_with_its_days(stack, gateway):
    """zhuhai 六2: late technical support costs per day. The dispatch clock (2 h) of a
    ticket reported two days ago stops late when it is dispatched; billing stores the
    breach and the stop, and prices them from the day it fell due to the day before it
    was done."""
    headers = auth("zhuhai", "vendor_engineer")
    ticket = gateway.post("/api/ticketing/tickets", headers=headers, json={
        "system": "smart-station", "title": f"派单超时 {uuid.uuid4().hex[:6]}"}).json()
    # the clock fell due two days ago (ticketing's clocks only move forward in real time)
    query(stack, "UPDATE ticketing.ticket_sla_clocks SET due_at = now() - interval '2 days', "
                 "warn_at = NULL WHERE ticket_id = $1 AND clock = 'dispatch'", uuid.UUID(ticket["id"]))
    for to in ("acknowledged", "dispatched"):
        r = gateway.post(f"/api/ticketing/tickets/{ticket['id']}/transitions", headers=headers,
                         json={"to": to, "assignee": "engineer-a"} if to == "dispatched" else {"to": to})
        assert r.status_code == 200, r.text
    assert clocks(r.json())["dispatch"]["state"] == "breached"
    item = f"sla:{ticket['id']}:dispatch"
    inputs = wait_until(lambda: query(
        stack, "SELECT event_id, type, data::text AS data FROM billing.damage_inputs "
               "WHERE tenant_id = 'zhuhai' AND data->>'item' = $1 ORDER BY type", item)
        if len(query(stack, "SELECT 1 FROM billing.damage_inputs WHERE data->>'item' = $1",
                     item)) == 2 else None,
        timeout=60, message="billing to store the breach and the late stop")
    assert [r["type"] for r in inputs] == ["ticketing.sla.breached.v1", "ticketing.sla.stopped_late.v1"]
    events = [{"id": r["event_id"], "type": r["type"], "time": json.loads(r["data"])["breached_at"],
               "data": json.loads(r["data"])} for r in inputs]
    priced = gateway.post("/api/billing/simulate", headers=auth("zhuhai", "vendor_manager"),
                          json={"events": events, "with_recorded": False}).json()
    [entry] = priced["entries"]
    assert entry["rule"] == "late-work" and entry["days"] == 2, entry
    assert entry["amount"]["value"] == "4248.00"  # 2 × 0.3 % × 708,000


def test_an_effective_plan_within_48_hours_meets_xinjiang_resolution(gateway):
    """"超过 48 小时仍无法解决或提出有效解决方案的"视为违约: offering an effective plan meets the
    48 h clock (the fault is not resolved yet); the plan is on the timeline."""
    ticket = gateway.post("/hooks/xinjiang/12123", json=fault(f"PLAN-{uuid.uuid4().hex[:8]}")).json()
    headers = auth("xinjiang", "vendor_engineer")
    plan = "银行接口证书过期：已向银行申请新证书，预计明日10时前更换并验证。"
    r = gateway.post(f"/api/ticketing/tickets/{ticket['id']}/effective-plan", headers=headers,
                     json={"plan": plan})
    assert r.status_code == 200, r.text
    after = r.json()
    assert clocks(after)["resolution"]["state"] == "met" and after["status"] == "new"
    assert clocks(after)["on_site"]["state"] == "running"  # other clocks go on
    assert [(e["action"], e["note"]) for e in after["timeline"] if e["action"] == "effective_plan"] == \
        [("effective_plan", plan)]
    empty = gateway.post(f"/api/ticketing/tickets/{ticket['id']}/effective-plan", headers=headers,
                         json={"plan": ""})
    assert empty.status_code == 422


def test_agreeing_the_visit_time_meets_zhuhai_24_hours(gateway):
    headers = auth("zhuhai", "vendor_engineer")
    ticket = gateway.post("/api/ticketing/tickets", headers=headers, json={
        "system": "smart-station", "title": f"现场故障 {uuid.uuid4().hex[:6]}"}).json()
    assert clocks(ticket)["visit_agreed"]["state"] == "running"
    r = gateway.post(f"/api/ticketing/tickets/{ticket['id']}/visit", headers=headers,
                     json={"visit_at": "2026-12-03T09:30:00", "note": "与派出所值班民警电话约定"})
    assert r.status_code == 200, r.text
    agreed = r.json()
    assert datetime.fromisoformat(agreed["visit_at"]) == datetime.fromisoformat("2026-12-03T09:30:00+08:00")
    assert clocks(agreed)["visit_agreed"]["state"] == "met"
    assert clocks(agreed)["resolution"]["state"] == "running"
    assert any(e["action"] == "visit_agreed" and "2026-12-03 09:30" in e["note"] for e in agreed["timeline"])
    bad = gateway.post(f"/api/ticketing/tickets/{ticket['id']}/visit", headers=headers,
                       json={"visit_at": "0001-01-01T00:00:00Z"})
    assert bad.status_code == 422
    for to in ("acknowledged", "resolved", "closed"):
        gateway.post(f"/api/ticketing/tickets/{ticket['id']}/transitions", headers=headers,
                     json={"to": to})
    closed = gateway.post(f"/api/ticketing/tickets/{ticket['id']}/visit", headers=headers,
                          json={"visit_at": "2026-12-04T09:30:00+08:00"})
    assert closed.status_code == 409 and "closed" in closed.json()["detail"]


def test_xinjiang_on_site_clock_runs_only_when_nobody_is_rostered_on_site(stack, gateway):
    """"如遇其他时段无现场值班人员…必须在2小时内赶到现场": with an engineer rostered on site at
    the report time the 2 h clock does not start (the timeline says who was there); once the
    shift is gone it does."""
    manager = auth("xinjiang", "vendor_manager")
    code = f"onsite-{uuid.uuid4().hex[:6]}"
    assert gateway.post("/api/inventory/staff", headers=manager, json={
        "code": code, "name": "值守工程师", "role": "驻场工程师", "post": "off-day-duty"}).status_code == 201
    now = datetime.now(UTC)
    r = gateway.post("/api/inventory/roster/shifts", headers=manager, json={"shifts": [{
        "post": "off-day-duty", "staff": code, "starts_at": (now - timedelta(hours=1)).isoformat(),
        "ends_at": (now + timedelta(hours=1)).isoformat()}]})
    assert r.status_code == 201, r.text
    shift_id = r.json()[0]["id"]
    wait_until(lambda: query(stack, "SELECT 1 FROM ticketing.roster_shifts WHERE shift_id = $1",
                             shift_id), message="ticketing to learn the roster")
    try:
        covered = gateway.post("/hooks/xinjiang/12123", json=fault(f"ONSITE-{uuid.uuid4().hex[:8]}")).json()
        assert set(clocks(covered)) == {"resolution"}
        [entry] = [e for e in timeline_of(gateway, covered) if e["action"] == "clock_not_started"]
        assert f"off-day-duty:{code}" in entry["note"] and "on_site" in entry["note"]
    finally:
        assert gateway.delete(f"/api/inventory/roster/shifts/{shift_id}", headers=manager).status_code == 204
    wait_until(lambda: not query(stack, "SELECT 1 FROM ticketing.roster_shifts WHERE shift_id = $1",
                                 shift_id), message="the removed shift to leave ticketing's copy")
    alone = gateway.post("/hooks/xinjiang/12123", json=fault(f"ONSITE-{uuid.uuid4().hex[:8]}")).json()
    assert set(clocks(alone)) == {"on_site", "resolution"}
