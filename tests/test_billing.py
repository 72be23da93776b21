"""Billing through the gateway: the five contracts' schedules, recorded dates, the
damages ledger fed by SLA breaches over Kafka, recorded violations up to wuqia's cap,
decisions, and the simulator that writes nothing."""

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from opspact.testing.plugin import auth, wait_until
from opspact.testing.probes import query

API = "/api/billing"


def get(gateway, path, tenant, role="finance", **params):
    r = gateway.get(f"{API}{path}", headers=auth(tenant, role), params=params)
    assert r.status_code == 200, r.text
    return r.json()


@pytest.mark.parametrize(("tenant", "expected"), [
    ("xinjiang", [("first", "231000.00", "2024-11-25"), ("final", "539000.00", None)]),
    ("xinxiang", [("full", "711880.00", "2025-11-11")]),
    ("zhuhai", [("first", "72000.00", "2023-11-23"), ("final", "636000.00", None)]),
    ("beijing", [("first", "3007660.00", "2026-06-13"), ("final", "3007660.00", None)]),
    ("wuqia", [("first", "286500.00", None), ("final", "668500.00", None)]),
])
def test_the_five_schedules(gateway, tenant, expected):
    if tenant == "beijing":  # 三2(6): the funds approved before the contract took effect
        r = gateway.put(f"{API}/contract-dates/budget_approval", headers=auth("beijing", "client_admin"),
                        json={"on": "2026-05-20", "evidence": "经费批复（占位）"})
        assert r.status_code == 200, r.text
    milestones = get(gateway, "/milestones", tenant)
    if tenant == "beijing":  # its final payment is dated by acceptance, which a later test records
        milestones, expected = milestones[:1], expected[:1]
    # the contract's dates; the client owes nothing before the invoice where it comes first
    assert [(m["code"], m["amount"]["value"], m["contract_due_on"]) for m in milestones] == expected
    for m in milestones:
        if m["invoice_first"] and m["invoiced"]["value"] == "0.00":
            assert m["due_on"] is None and "开具发票" in m["waiting_for"], m


def test_contract_view_in_figures_and_capitals(gateway):
    xinjiang = get(gateway, "/contract", "xinjiang", "client_admin")
    assert xinjiang["value"]["capitals"] == "柒拾柒万元整"
    assert xinjiang["milestones"][1]["waiting_for"] == ["验收合格", "开具发票"]
    assert xinjiang["milestones"][0]["invoice_first"]
    xinxiang = get(gateway, "/contract", "xinxiang")
    assert xinxiang["milestones"][0]["payable_from"] == "2025-08-13"  # 90 days before the end
    beijing = get(gateway, "/contract", "beijing", "auditor")
    assert any("乙方名称不一致" in f for f in beijing["inconsistencies"])
    wuqia = get(gateway, "/contract", "wuqia")
    assert wuqia["damages_cap"]["value"] == "95500.00"


def test_recording_acceptance_gives_the_final_payment_a_date(gateway):
    r = gateway.put(f"{API}/contract-dates/acceptance", headers=auth("zhuhai", "client_admin"),
                    json={"on": "2024-11-20", "evidence": "验收报告 ZH-2024-001"})
    assert r.status_code == 200, r.text
    final = get(gateway, "/milestones", "zhuhai")[1]
    assert (final["trigger_on"], final["contract_due_on"], final["waiting_for"]) == \
        ("2024-11-20", "2024-11-20", ["开具发票"])  # 五3: and the invoice before the payment
    r = gateway.put(f"{API}/contract-dates/signing", headers=auth("zhuhai", "client_admin"),
                    json={"on": "2024-11-20", "evidence": "x"})
    assert r.status_code == 422


def test_sla_breach_reaches_the_ledger(stack, gateway):
    r = gateway.post("/api/ticketing/tickets", headers=auth("xinxiang", "vendor_engineer"),
                     json={"system": "police-platform", "title": "系统大面积故障", "priority": "p1"})
    assert r.status_code == 201, r.text
    ticket = r.json()["id"]
    query(stack, "UPDATE ticketing.ticket_sla_clocks SET warn_at = now(), due_at = now() "
                 "WHERE ticket_id = $1::uuid", ticket)
    key = f"major-fault-clock:ticket:{ticket}"
    entry = wait_until(lambda: next((e for e in get(gateway, "/ledger", "xinxiang", limit=200)["items"]
                                     if e["key"] == key), None), timeout=60, message="ledger entry")
    assert entry["amount"]["value"] == "21356.40" and entry["state"] == "proposed"
    assert "× 3%" in entry["computation"] and "30分钟响应" in entry["clause"]
    # the response and on-site clocks both breached: one fault, one entry
    assert len([e for e in get(gateway, "/ledger", "xinxiang", limit=200)["items"]
                if e["key"] == key]) == 1
    decided = gateway.post(f"{API}/ledger/{key}/waive", headers=auth("xinxiang", "client_admin"),
                           json={"reason": "停电导致，合同约定免责"})
    assert decided.status_code == 200 and decided.json()["state"] == "waived"
    again = gateway.post(f"{API}/ledger/{key}/confirm", headers=auth("xinxiang", "vendor_manager"),
                         json={})
    assert again.status_code == 409
    no_reason = gateway.post(f"{API}/ledger/{key}/waive", headers=auth("xinxiang", "client_admin"),
                             json={})
    assert no_reason.status_code == 422


def cap_events(stack) -> int:
    return query(stack, "SELECT count(*) AS n FROM billing.outbox WHERE tenant_id = 'wuqia' "
                        "AND event_type = 'billing.cap.reached.v1'")[0]["n"]


def test_wuqia_violations_up_to_the_cap(stack, gateway):
    manager = auth("wuqia", "vendor_manager")
    at = datetime(2024, 3, 1, 10, tzinfo=UTC)
    # wuqia is also the fuzz tenant and its deadlines accrue by themselves: the cap may
    # have been reached (and left, when a date was recorded) before this test
    before = cap_events(stack)
    keys = []
    for n in range(6):
        r = gateway.post(f"{API}/violations", headers=manager, json={
            "rule": "confidentiality", "occurred_at": (at + timedelta(days=n)).isoformat(),
            "note": f"保密违约记录 {n}"})
        assert r.status_code == 201, r.text
        keys += [e["key"] for e in r.json()["ledger"]]
    ledger = get(gateway, "/ledger", "wuqia", limit=200)
    counted = sum(Decimal(e["counted_amount"]["value"]) for e in ledger["items"]
                  if e["state"] != "waived")
    assert counted <= Decimal("95500.00")
    assert any("上限" in e["computation"] for e in ledger["items"])
    reached = cap_events(stack)
    assert reached >= 1 and reached - before <= 1  # announced once as it is reached
    late = gateway.post(f"{API}/violations", headers=manager, json={
        "rule": "late-acceptance", "occurred_at": at.isoformat(), "note": "初验逾期",
        "item": "first-acceptance", "due_at": at.isoformat()})
    assert late.status_code == 201, late.text
    by_key = {e["key"]: e for e in late.json()["ledger"]}
    accruing = by_key["late-acceptance:first-acceptance"]
    assert accruing["accruing"] and accruing["termination_right"]
    assert "late-acceptance:first-acceptance:beyond" in by_key  # over 30 days: the 2 % too
    r = gateway.post(f"{API}/ledger/{accruing['key']}/confirm", headers=manager, json={})
    assert r.status_code == 409 and "accruing" in r.json()["detail"]


@pytest.mark.parametrize(("body", "needle"), [
    ({"rule": "no-such-rule"}, "recordable"),
    ({"rule": "late-delivery"}, "days late"),
    ({"rule": "late-delivery", "days_late": 3}, "part_value"),
    ({"rule": "late-delivery", "days_late": 3, "part_value": "-5"}, "part_value"),
    ({"rule": "invoice", "occurred_at": "0001-01-01T00:00:00Z"}, "plausible span"),
    ({"rule": "invoice", "note": ""}, "note"),
    ({"rule": "invoice", "due_at": "2024-03-02T10:00:00+08:00",
      "done_at": "2024-03-01T10:00:00+08:00"}, "before due_at"),
    ({"rule": "invoice", "serious": True}, "no consequence for a serious breach"),
])
def test_bad_violations_are_refused_and_nothing_is_written(stack, gateway, body, needle):
    before = query(stack, "SELECT count(*) AS n FROM billing.damage_inputs")[0]["n"]
    r = gateway.post(f"{API}/violations", headers=auth("wuqia", "client_admin"), json={
        "occurred_at": "2024-03-01T10:00:00+08:00", "note": "测试", **body})
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert needle in r.text
    assert query(stack, "SELECT count(*) AS n FROM billing.damage_inputs")[0]["n"] == before


def test_simulate_writes_nothing(stack, gateway):
    run = uuid.uuid4().hex[:6]
    events = [{"id": f"{run}-{n}", "type": "ticketing.sla.breached.v1",
               "time": f"2025-03-0{n + 1}T10:00:00+08:00",
               "data": {"ticket_id": f"{run}-t{n}", "clock": "resolution"}} for n in range(3)]
    events.append({"id": f"{run}-x", "type": "ticketing.ticket.updated.v1",
                   "time": "2025-03-05T10:00:00+08:00", "data": {}})
    before = query(stack, "SELECT (SELECT count(*) FROM billing.damage_inputs) AS i, "
                          "(SELECT count(*) FROM billing.ledger_entries) AS l")[0]
    r = gateway.post(f"{API}/simulate", headers=auth("xinjiang", "vendor_manager"),
                     json={"events": events, "with_recorded": False})
    assert r.status_code == 200, r.text
    out = r.json()
    assert [e["amount"]["value"] for e in out["entries"]] == ["7700.00", "7700.00", "154000.00"]
    assert out["total"]["value"] == "169400.00" and out["total"]["capitals"] == "壹拾陆万玖仟肆佰元整"
    assert out["termination_rights"] and out["ignored_events"] == [f"{run}-x"]
    after = query(stack, "SELECT (SELECT count(*) FROM billing.damage_inputs) AS i, "
                         "(SELECT count(*) FROM billing.ledger_entries) AS l")[0]
    assert after == before


@pytest.mark.parametrize(("path", "body", "field"), [
    ("simulate", {"events": [], "with_recorded": 0}, "with_recorded"),
    ("assessments", {"period": "2025-Q1", "passed": 1, "occurred_at": "2025-04-01T10:00:00+08:00"},
     "passed"),
])
def test_a_number_is_not_a_yes_or_no(gateway, path, body, field):
    # Found by the fuzzer in CI: 0/1 were read as false/true; a flag that decides
    # damages must be said in words.
    r = gateway.post(f"{API}/{path}", headers=auth("xinjiang", "vendor_manager"), json=body)
    assert r.status_code == 422, r.text
    assert field in r.text


def test_xinjiang_records_a_serious_consequence(gateway):
    """8.2 "或造成严重后果的": the client records a breach as serious — 20 % of ¥770,000 and
    the termination right, whatever the count."""
    r = gateway.post(f"{API}/simulate", headers=auth("xinjiang", "client_admin"), json={
        "with_recorded": False, "events": [{
            "id": "serious-1", "type": "billing.violation.recorded.v1",
            "time": "2025-05-01T10:00:00+08:00",
            "data": {"rule": "breach", "serious": True, "note": "核心系统停止服务两日"}}]})
    assert r.status_code == 200, r.text
    [entry] = r.json()["entries"]
    assert entry["amount"]["value"] == "154000.00" and "造成严重后果" in entry["termination_right"]


def test_wuqia_deadlines_reach_the_ledger_without_anyone_reporting(gateway):
    """九: delivery is due 60 days after signing (2024-01-29); recorded as delivered on
    2024-02-08 it is 10 days late on the whole value — on the ledger by itself, nobody
    having reported a violation."""
    r = gateway.put(f"{API}/contract-dates/delivery", headers=auth("wuqia", "client_admin"),
                    json={"on": "2024-02-08", "evidence": "交付确认单（占位）"})
    assert r.status_code == 200, r.text
    ledger = {e["key"]: e for e in get(gateway, "/ledger", "wuqia", "vendor_manager", limit=200)["items"]}
    delivery = ledger["late-delivery:delivery"]
    assert not delivery["accruing"] and delivery["days"] == 10
    assert delivery["amount"]["value"] == "955.00"  # 955,000 × 0.01 % × 10
    assert datetime.fromisoformat(delivery["occurred_at"]) == datetime(2024, 1, 29, 16, tzinfo=UTC)
    contract = get(gateway, "/contract", "wuqia")
    assert any("完成时限" in f and "待澄清" in f for f in contract["inconsistencies"])


def test_the_parties_are_the_contracts_own_and_open_facts_are_flagged(gateway):
    """Company and agency names are not personal data: each contract's own; what a contract
    leaves blank is flagged with the reading taken meanwhile, never silently filled."""
    vendors = {"xinxiang": "河南嘉华网络系统有限公司", "zhuhai": "深圳市晓象科技有限公司",
               "wuqia": "中国移动通信集团新疆有限公司克州分公司"}
    for tenant, name in vendors.items():
        r = gateway.get(f"/api/billing/tenants/{tenant}", headers=auth(tenant, "platform_admin"))
        assert r.status_code == 200, r.text
        assert r.json()["config"]["parties"]["vendor"]["name"] == name
    flags = get(gateway, "/contract", "beijing", "auditor")["inconsistencies"]
    assert any("驻场岗位/个" in f and f.startswith("待澄清：") for f in flags)
    assert any("生效日按服务期开始日" in f for f in flags)


def test_wuqia_term_starts_at_acceptance_in_every_service(stack, gateway):
    """"本合同项目下的服务期限为：自项目验收合格之日起【一】年": acceptance recorded in billing
    reaches ticketing and notify as the term's dates; the reports catalogue (a 422 before,
    for want of a term) lists the service year's months."""
    admin = auth("wuqia", "client_admin")
    r = gateway.put(f"{API}/contract-dates/acceptance", headers=admin,
                    json={"on": "2024-03-10", "evidence": "终验报告（占位）"})
    assert r.status_code == 200, r.text
    wanted = {"start": "2024-03-10", "end": "2025-03-09"}

    def term_in(service: str) -> dict:
        view = gateway.get(f"/api/{service}/tenants/wuqia", headers=auth("wuqia", "platform_admin")).json()
        term = view["config"]["contract"]["term"]
        return {k: term.get(k) for k in ("start", "end")}

    assert term_in("billing") == wanted  # at once, in the same transaction
    for service in ("ticketing", "notify"):
        wait_until(lambda s=service: term_in(s) == wanted, timeout=60,
                   message=f"{service} to learn the term from acceptance")
    catalogue = gateway.get("/api/ticketing/reports", headers=auth("wuqia", "vendor_manager"))
    assert catalogue.status_code == 200, catalogue.text
    months = [p["code"] for p in catalogue.json()["periods"] if p["kind"] == "monthly"]
    assert months[0] == "2024-03" and months[-1] == "2025-03" and len(months) == 13
    quota = gateway.get("/api/notify/quota", headers=auth("wuqia", "vendor_manager")).json()
    assert quota["year_start"][5:] == "03-10"  # contract years from the acceptance day
