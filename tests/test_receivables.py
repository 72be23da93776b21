"""Invoices, payments and receivables through the gateway: xinjiang's special
invoice before each payment, partial payments, a milestone settled exactly once,
a bank slip entered twice, aging of what is owed; the milestone watch, damages kept
back from a milestone, and the statement of account."""

from __future__ import annotations

import io
import json
from datetime import date, datetime, timedelta
from decimal import Decimal

from billing.watch import MilestoneWatch
from openpyxl import load_workbook
from opspact import tabular
from opspact.calendar import SHANGHAI
from opspact.testing.plugin import auth
from opspact.testing.probes import leader_ticks, query

API = "/api/billing"
FINANCE = auth("xinjiang", "finance")


def invoice(gateway, amount: str, number: str, milestone: str = "first", **extra):
    return gateway.post(f"{API}/invoices", headers=FINANCE, json={
        "milestone": milestone, "number": number, "kind": "vat_special", "amount": amount,
        "issued_on": "2025-01-10", **extra})


def pay(gateway, amount: str, reference: str, milestone: str = "first", **extra):
    return gateway.post(f"{API}/payments", headers=FINANCE, json={
        "milestone": milestone, "amount": amount, "received_on": "2025-01-20",
        "reference": reference, **extra})


def milestone(gateway, code: str) -> dict:
    items = gateway.get(f"{API}/milestones", headers=FINANCE).json()
    return next(m for m in items if m["code"] == code)


def test_invoice_first_partial_payments_and_settlement(stack, gateway):
    early = pay(gateway, "1000.00", "BANK-XJ-000")
    assert early.status_code == 409 and "invoice" in early.json()["detail"]
    assert invoice(gateway, "100000.00", "44000000001").status_code == 201
    first = pay(gateway, "100000.00", "BANK-XJ-001")
    assert first.status_code == 201, first.text
    again = pay(gateway, "100000.00", "BANK-XJ-001")
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    clash = pay(gateway, "5.00", "BANK-XJ-001")
    assert clash.status_code == 409 and "already a payment" in clash.json()["detail"]
    beyond_invoice = pay(gateway, "50000.00", "BANK-XJ-002")
    assert beyond_invoice.status_code == 409

    over = invoice(gateway, "131000.01", "44000000002")
    assert over.status_code == 422 and "exceeds it by ¥0.01" in over.json()["detail"]
    assert invoice(gateway, "131000.00", "44000000002").status_code == 201
    assert invoice(gateway, "1.00", "44000000002").status_code == 409  # number already used
    m = milestone(gateway, "first")
    assert (m["invoiced"]["value"], m["paid"]["value"], m["outstanding"]["value"]) == (
        "231000.00", "100000.00", "131000.00")
    too_much = pay(gateway, "131000.50", "BANK-XJ-003")
    assert too_much.status_code == 422 and "exceeds what is owed by ¥0.50" in too_much.json()["detail"]
    settle = pay(gateway, "131000.00", "BANK-XJ-004")
    assert settle.status_code == 201
    m = milestone(gateway, "first")
    assert m["status"] == "paid" and m["outstanding"]["capitals"] == "零元整"
    paid = query(stack, "SELECT count(*) AS n FROM billing.outbox WHERE tenant_id = 'xinjiang' "
                        "AND event_type = 'billing.milestone.paid.v1'")[0]["n"]
    assert paid == 1

    # a paid invoice cannot be voided without its replacement
    invoices = gateway.get(f"{API}/invoices", headers=FINANCE, params={"milestone": "first"}).json()
    r = gateway.post(f"{API}/invoices/{invoices[0]['id']}/void", headers=FINANCE, json={"reason": "开错"})
    assert r.status_code == 409 and "replacement" in r.json()["detail"]
    receivable = gateway.get(f"{API}/receivables", headers=FINANCE).json()
    assert "first" not in [i["milestone"] for i in receivable["items"]]


def test_receivables_are_aged(gateway):
    # xinxiang's single payment fell due at the end of its term (2025-11-11) and is unpaid
    r = gateway.get(f"{API}/receivables", headers=auth("xinxiang", "finance"))
    assert r.status_code == 200, r.text
    body = r.json()
    [owed] = body["items"]
    assert owed["outstanding"]["value"] == "711880.00" and owed["days_past_due"] > 180
    assert owed["bucket"] == "181+" and body["by_bucket"]["181+"]["value"] == "711880.00"
    assert body["outstanding"]["capitals"] == "柒拾壹万壹仟捌佰捌拾元整"


def test_voiding_an_unpaid_invoice(gateway):
    headers = auth("zhuhai", "finance")
    r = gateway.post(f"{API}/invoices", headers=headers, json={
        "milestone": "first", "number": "44000009999", "kind": "vat_normal", "amount": "72000.00",
        "issued_on": "2023-11-20"})
    assert r.status_code == 201, r.text
    v = gateway.post(f"{API}/invoices/{r.json()['id']}/void", headers=headers, json={"reason": "抬头有误"})
    assert v.status_code == 200 and v.json()["voided_at"] and "抬头有误" in v.json()["void_reason"]
    twice = gateway.post(f"{API}/invoices/{r.json()['id']}/void", headers=headers, json={"reason": "x"})
    assert twice.status_code == 409
    m = next(m for m in gateway.get(f"{API}/milestones", headers=headers).json() if m["code"] == "first")
    assert m["invoiced"]["value"] == "0.00"


def test_bad_money_is_refused(stack, gateway):
    before = query(stack, "SELECT (SELECT count(*) FROM billing.invoices) + "
                          "(SELECT count(*) FROM billing.payments) AS n")[0]["n"]
    cases = [
        (invoice, ("-5.00", "44000000100"), "amount"),
        (invoice, ("5.001", "44000000101"), "amount"),
        (invoice, ("5.00", "44000000102"), "unknown milestone", {"milestone": "no-such"}),
        (invoice, ("5.00", "44000000103"), "future", {"issued_on": "2099-01-01"}),
        (invoice, ("5.00", "bad number!"), "number"),
        (pay, ("0", "BANK-XJ-100"), "amount"),
        (pay, ("5.00", "BANK-XJ-101"), "future", {"received_on": "2099-01-01"}),
    ]
    for case in cases:
        call, args, needle = case[0], case[1], case[2]
        extra = case[3] if len(case) > 3 else {}
        r = call(gateway, *args, **extra)
        assert r.status_code == 422 and needle in r.text, (args, r.text)
    after = query(stack, "SELECT (SELECT count(*) FROM billing.invoices) + "
                         "(SELECT count(*) FROM billing.payments) AS n")[0]["n"]
    assert after == before
    viewer = gateway.post(f"{API}/payments", headers=auth("xinjiang", "client_viewer"), json={})
    assert viewer.status_code == 403


def test_late_payment_interest_per_clause(gateway):
    headers = auth("xinxiang", "finance")
    [owed] = gateway.get(f"{API}/receivables", headers=headers).json()["items"]
    due = owed["due_on"]
    as_of = date.fromisoformat(due) + timedelta(days=10)
    ten_days = gateway.get(f"{API}/late-interest", headers=headers,
                           params={"as_of": as_of.isoformat()}).json()
    [item] = ten_days["items"]
    # 0.1 % of the contract value (711,880) per day: 711.88 a day
    assert item["days_late"] == 10 and item["amount"]["value"] == "7118.80"
    assert ten_days["basis"] == "value_per_day" and "0.1%" in ten_days["clause"]
    assert not ten_days["capped"] and ten_days["payable"]["capitals"].startswith("柒仟壹佰壹拾捌元捌角")
    assert ten_days["day_count"] is None  # a per-day rate has no day count
    # 30 days × 711.88 = 21,356.40: the 3 % cap exactly — capped that day, not the 29th
    for days, capped in ((29, False), (30, True)):
        on = (date.fromisoformat(due) + timedelta(days=days)).isoformat()
        that_day = gateway.get(f"{API}/late-interest", headers=headers, params={"as_of": on}).json()
        assert that_day["capped"] is capped, (days, that_day["total"])
    now = gateway.get(f"{API}/late-interest", headers=headers).json()
    assert now["capped"] and now["payable"] == now["cap"] and now["cap"]["value"] == "21356.40"

    beijing = gateway.get(f"{API}/late-interest", headers=auth("beijing", "finance")).json()
    assert beijing["basis"] == "lpr" and beijing["lpr"]["on"] == "2026-05-29"
    assert beijing["day_count"] == "act/365"
    assert beijing["lpr"]["rate"] == "3.00" and beijing["lpr"]["source"].startswith("全国银行间")
    assert gateway.get(f"{API}/late-interest", headers=FINANCE).status_code == 404  # xinjiang: no clause
    assert gateway.get(f"{API}/late-interest", headers=headers,
                       params={"as_of": "yesterday"}).status_code == 422


def _ticks(url: str, watches: int, rounds: int) -> list[int]:
    # several watches at once, as in a split brain: still one event each
    return leader_ticks(url, MilestoneWatch, watches, rounds)


def approve_budget(gateway) -> date:
    """beijing's funds approved 120 days ago (idempotent: the same date each time)."""
    on = datetime.now(SHANGHAI).date() - timedelta(days=120)
    r = gateway.put(f"{API}/contract-dates/budget_approval", headers=auth("beijing", "client_admin"),
                    json={"on": on.isoformat(), "evidence": "经费批复 京财（占位）2026-001"})
    assert r.status_code == 200, r.text
    return on


def milestone_events(stack, tenant: str) -> list[tuple[str, dict]]:
    rows = query(stack, "SELECT event_type, payload->'data' AS data FROM billing.outbox "
                        "WHERE tenant_id = $1 AND event_type LIKE 'billing.milestone.%' "
                        "AND event_type <> 'billing.milestone.paid.v1' ORDER BY seq", tenant)
    return [(r["event_type"].split(".")[2], json.loads(r["data"])) for r in rows]


def test_milestone_watch_announces_due_and_overdue_once(stack, gateway):
    url = stack.app_database_url("billing")
    _ticks(url, watches=2, rounds=2)
    # xinxiang's single payment fell due at the end of its term and is unpaid
    events = milestone_events(stack, "xinxiang")
    assert [kind for kind, _ in events] == ["due", "overdue"], events
    overdue = events[1][1]
    assert overdue["milestone"] == "full" and overdue["outstanding"] == "711880.00"
    assert overdue["due_on"] == "2025-11-11" and overdue["days_past_due"] > 180
    assert overdue["outstanding_capitals"] == "柒拾壹万壹仟捌佰捌拾元整"

    # beijing's final payment waits for acceptance; recorded a month ago it is overdue,
    # corrected to five days ago it is due in ten days: a new due date, announced again
    today = datetime.now(SHANGHAI).date()
    admin = auth("beijing", "client_admin")
    approve_budget(gateway)  # 三2(6): no payment is due before the funds are approved
    # 三2(3): the invoice comes before the payment — issued early, it does not move the date
    r = gateway.post(f"{API}/invoices", headers=auth("beijing", "finance"), json={
        "milestone": "final", "number": "11000000777", "kind": "vat_normal", "amount": "1000.00",
        "issued_on": (today - timedelta(days=60)).isoformat()})
    assert r.status_code == 201, r.text
    for days_ago in (30, 5):
        r = gateway.put(f"{API}/contract-dates/acceptance", headers=admin, json={
            "on": (today - timedelta(days=days_ago)).isoformat(), "evidence": f"验收报告-{days_ago}"})
        assert r.status_code == 200, r.text
        _ticks(url, watches=2, rounds=1)
    final = [(kind, data["due_on"]) for kind, data in milestone_events(stack, "beijing")
             if data["milestone"] == "final"]
    assert final == [("due", (today - timedelta(days=15)).isoformat()),
                     ("overdue", (today - timedelta(days=15)).isoformat()),
                     ("due", (today + timedelta(days=10)).isoformat())]
    notices = query(stack, "SELECT count(*) AS n FROM billing.milestone_notices WHERE tenant_id = 'beijing' "
                           "AND milestone = 'final'")[0]["n"]
    assert notices == 3


def test_damages_deducted_from_a_milestone(stack, gateway):
    """xinxiang: a major outage (5 % of 711,880) confirmed, then kept back from the
    payment; the milestone owes that much less, and a payment cannot exceed it."""
    admin, finance = auth("xinxiang", "client_admin"), auth("xinxiang", "finance")
    r = gateway.post(f"{API}/violations", headers=admin, json={
        "rule": "major-outage", "occurred_at": "2025-10-20T02:00:00Z", "note": "全市大面积故障"})
    assert r.status_code == 201, r.text
    [outage] = r.json()["ledger"]
    key = outage["key"]
    assert outage["counted_amount"]["value"] == "35594.00"
    early = gateway.post(f"{API}/ledger/{key}/deduct", headers=finance, json={"milestone": "full"})
    assert early.status_code == 409 and "confirmed" in early.json()["detail"]
    assert gateway.post(f"{API}/ledger/{key}/confirm", headers=admin, json={}).status_code == 200
    unknown = gateway.post(f"{API}/ledger/{key}/deduct", headers=finance, json={"milestone": "nope"})
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "body.milestone"
    viewer = gateway.post(f"{API}/ledger/{key}/deduct", headers=auth("xinxiang", "client_viewer"),
                          json={"milestone": "full"})
    assert viewer.status_code == 403

    done = gateway.post(f"{API}/ledger/{key}/deduct", headers=finance,
                        json={"milestone": "full", "reason": "付款通知书 FK-001"})
    assert done.status_code == 200, done.text
    assert done.json()["state"] == "deducted" and done.json()["deducted_from"] == "full"
    again = gateway.post(f"{API}/ledger/{key}/deduct", headers=finance, json={"milestone": "full"})
    assert again.status_code == 200 and again.json()["deducted_at"] == done.json()["deducted_at"]
    m = milestone_of(gateway, finance, "full")
    assert (m["deducted"]["value"], m["net_payable"]["value"], m["outstanding"]["value"]) == (
        "35594.00", "676286.00", "676286.00")
    over = gateway.post(f"{API}/payments", headers=finance, json={
        "milestone": "full", "amount": "676286.01", "received_on": "2025-12-01", "reference": "XX-BANK-1"})
    assert over.status_code == 422 and "deducted for damages" in over.json()["detail"]
    events = query(stack, "SELECT payload->'data'->>'milestone' AS m FROM billing.outbox "
                          "WHERE event_type = 'billing.penalty.deducted.v1' "
                          "AND payload->>'subject' = $1", key)
    assert [e["m"] for e in events] == ["full"]

    # the statement from December to today: a payment of 600,000 received on 12-01, the
    # deduction made today (a statement ending before today would not count it yet)
    r = gateway.post(f"{API}/payments", headers=finance, json={
        "milestone": "full", "amount": "600000.00", "received_on": "2025-12-01", "reference": "XX-BANK-2"})
    assert r.status_code == 201, r.text
    s = gateway.get(f"{API}/statement", headers=finance, params={"from": "2025-12-01"})
    assert s.status_code == 200, s.text
    totals = s.json()["totals"]
    assert totals["received"]["value"] == "600000.00" and totals["deducted_in_period"]["value"] == "35594.00"
    assert totals["receivable_due"]["value"] == "76286.00"
    assert totals["interest"]["value"] == "21356.40"  # 0.1 %/day from 11-12, capped at 3 %
    assert totals["net_receivable"]["value"] == "97642.40"
    assert totals["net_receivable"]["capitals"] == "玖万柒仟陆佰肆拾贰元肆角"


def milestone_of(gateway, headers, code: str) -> dict:
    return next(m for m in gateway.get(f"{API}/milestones", headers=headers).json() if m["code"] == code)


def test_statement_totals_are_the_ledger_sums_and_export(stack, gateway):
    headers, manager = auth("wuqia", "finance"), auth("wuqia", "vendor_manager")
    keys = []
    for day in (1, 2, 3):
        r = gateway.post(f"{API}/violations", headers=manager, json={
            "rule": "invoice", "occurred_at": f"2025-03-0{day}T02:00:00Z", "note": f"发票不合规 {day}"})
        assert r.status_code == 201, r.text
        keys.append(r.json()["ledger"][-1]["key"])
    assert gateway.post(f"{API}/ledger/{keys[0]}/confirm", headers=manager, json={}).status_code == 200
    assert gateway.post(f"{API}/ledger/{keys[1]}/waive", headers=manager,
                        json={"reason": "甲方同意免除"}).status_code == 200
    whole = gateway.get(f"{API}/statement", headers=headers, params={"from": "2020-01-01"})
    assert whole.status_code == 200, whole.text
    body = whole.json()
    ledger = gateway.get(f"{API}/ledger", headers=headers, params={"limit": 200}).json()
    assert ledger["total"] <= 200
    for state in ("proposed", "confirmed", "waived", "deducted"):
        expected = ledger["totals"].get(state, {"value": "0.00"})["value"]
        assert body["totals"]["damages"][state]["value"] == expected, state
    assert len(body["damages"]) == ledger["total"]
    assert {d["key"]: d["state"] for d in body["damages"]}.items() >= {
        keys[0]: "confirmed", keys[1]: "waived", keys[2]: "proposed"}.items()

    xlsx = gateway.get(f"{API}/statement/export", headers=headers,
                       params={"from": "2020-01-01", "to": body["end"]})
    assert xlsx.status_code == 200 and xlsx.headers["content-type"].startswith(tabular.XLSX)
    book = load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames == ["对账单", "付款节点", "发票", "收款", "违约金"]
    summary = {row[0]: row[1:] for row in book["对账单"].iter_rows(values_only=True) if row[0]}
    net = body["totals"]["net_receivable"]
    assert summary["期末净应收"][0] == Decimal(net["value"]) and summary["期末净应收"][1] == net["capitals"]
    assert book["违约金"].max_row == 1 + len(body["damages"])

    backwards = gateway.get(f"{API}/statement", headers=headers,
                            params={"from": "2025-02-01", "to": "2025-01-01"})
    assert backwards.status_code == 422 and backwards.json()["errors"][0]["field"] == "query.to"
    assert gateway.get(f"{API}/statement", headers=headers,
                       params={"from": "2000-01-01", "to": "2025-01-01"}).status_code == 422
    assert gateway.get(f"{API}/statement", headers=auth("wuqia", "client_viewer")).status_code == 403


def test_no_payment_is_due_before_the_invoice_the_contract_puts_first(gateway):
    """beijing 三2(3) "每次甲方付款前, 乙方需向甲方提供符合甲方要求的正规发票": its first payment
    (the later of the effective date and the budget approval, + 15 days) is not overdue,
    accrues nothing and is not aged until the invoice is issued; issued late, the payment
    is due from the invoice date."""
    headers = auth("beijing", "finance")
    approved = approve_budget(gateway)
    first = milestone_of(gateway, headers, "first")
    assert first["status"] == "invoice_needed" and first["due_on"] is None
    contract_date = (approved + timedelta(days=15)).isoformat()
    assert first["waiting_for"] == ["开具发票"] and contract_date in first["note"]
    interest = gateway.get(f"{API}/late-interest", headers=headers).json()
    assert "first" not in [i["milestone"] for i in interest["items"]]
    aged = gateway.get(f"{API}/receivables", headers=headers).json()
    assert "first" not in [i["milestone"] for i in aged["items"] if i["days_past_due"] > 0]

    today = datetime.now(SHANGHAI).date()
    issued = today - timedelta(days=10)
    r = gateway.post(f"{API}/invoices", headers=headers, json={
        "milestone": "first", "number": "11000000778", "kind": "vat_normal",
        "amount": "3007660.00", "issued_on": issued.isoformat()})
    assert r.status_code == 201, r.text
    first = milestone_of(gateway, headers, "first")
    assert first["status"] == "past_due" and first["due_on"] == issued.isoformat()
    assert "自开票日起计" in first["note"]
    [accrual] = [i for i in gateway.get(f"{API}/late-interest", headers=headers).json()["items"]
                 if i["milestone"] == "first"]
    # 10 days on 3,007,660 at the one-year LPR of 2026-05-29 (3.00 %), act/365
    expected = (Decimal("3007660.00") * Decimal("3.00") / 100 * 10 / 365).quantize(Decimal("0.01"))
    assert accrual["days_late"] == 10 and accrual["amount"]["value"] == f"{expected}"
