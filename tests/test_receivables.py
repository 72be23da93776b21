"""Invoices, payments and receivables through the gateway: xinjiang's special
invoice before each payment, partial payments, a milestone settled exactly once,
a bank slip entered twice, aging of what is owed."""

from __future__ import annotations

from datetime import date, timedelta

from opspact.testing.plugin import auth
from opspact.testing.probes import query

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
    now = gateway.get(f"{API}/late-interest", headers=headers).json()
    assert now["capped"] and now["payable"] == now["cap"] and now["cap"]["value"] == "21356.40"

    beijing = gateway.get(f"{API}/late-interest", headers=auth("beijing", "finance")).json()
    assert beijing["basis"] == "lpr" and beijing["lpr"]["on"] == "2026-05-29"
    assert beijing["lpr"]["rate"] == "3.00" and beijing["lpr"]["source"].startswith("全国银行间")
    assert gateway.get(f"{API}/late-interest", headers=FINANCE).status_code == 404  # xinjiang: no clause
    assert gateway.get(f"{API}/late-interest", headers=headers,
                       params={"as_of": "yesterday"}).status_code == 422
