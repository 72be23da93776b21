"""The statement of account: one worked example in figures and 大写, and the properties
(hypothesis) that keep it honest — damages by state are the ledger's sums over the
same entries, two adjacent periods add up to the whole, the net receivable is its
three parts, and what the milestones show paid and deducted is what was recorded."""

import copy
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from billing.ledger.service import Contract
from billing.models import LedgerEntry
from billing.money import capitals
from billing.receivables.models import Invoice, Payment
from billing.schedule import schedule
from billing.statements.compose import STATES, compose, local_day
from hypothesis import given, settings
from hypothesis import strategies as st
from opspact.calendar import SHANGHAI
from opspact.tenancy.model import load_tenant_files

TENANTS = {t.slug: t for t in load_tenant_files(Path(__file__).parents[3] / "deploy" / "tenants")}
D = Decimal


def contract_of(slug: str) -> Contract:
    return Contract(copy.deepcopy(TENANTS[slug].slice_for("billing")))


def entry(key: str, amount: str, occurred: datetime, state: str = "confirmed",
          decided: datetime | None = None, deducted_from: str | None = None,
          deducted: datetime | None = None) -> LedgerEntry:
    return LedgerEntry(tenant_id="t", key=key, rule="major-outage", clause="第五条", event_ids=[],
                       occurred_at=occurred, computation="…", amount=D(amount), counted_amount=D(amount),
                       state=state, decided_at=decided if state != "proposed" else None,
                       deducted_from=deducted_from, deducted_at=deducted)


def shanghai(y, m, d, h=12) -> datetime:
    return datetime(y, m, d, h, tzinfo=SHANGHAI)


def build(slug: str, payments=(), invoices=(), entries=(), start=date(2020, 1, 1), end=date(2030, 1, 1),
          recorded=None):
    c = contract_of(slug)
    dues = schedule(c.terms, c.document, recorded or {},
                    {i.milestone: i.issued_on for i in invoices if i.voided_at is None})
    effective = c.terms.effective_on or c.document["contract"].get("signed_on")
    return compose(dues, list(invoices), list(payments), list(entries), start, end, c.value,
                   c.terms.late_interest, date.fromisoformat(effective) if effective else None)


def test_xinxiang_worked_example():
    """711,880 due 2025-11-11; the 5 % outage damages (35,594) kept back; 600,000 paid
    on 12-01. At 12-31: 76,286 due and unpaid, interest 0.1 %/day capped at 3 %."""
    outage = entry("major-outage:1", "35594.00", shanghai(2025, 10, 20), "deducted",
                   decided=shanghai(2025, 10, 25), deducted_from="full", deducted=shanghai(2025, 12, 1))
    paid = Payment(milestone="full", amount=D("600000.00"), received_on=date(2025, 12, 1), reference="B-1")
    s = build("xinxiang", [paid], [], [outage], date(2025, 11, 1), date(2025, 12, 31))
    [m] = s.milestones
    assert (m.amount, m.deducted, m.paid, m.outstanding) == (
        D("711880.00"), D("35594.00"), D("600000.00"), D("76286.00"))
    t = s.totals
    assert t.received == D("600000.00") and t.deducted_in_period == D("35594.00")
    assert t.damages["deducted"] == D("0")  # it occurred in October, before the period
    assert t.receivable_due == D("76286.00") and t.damages_pending == D("0")
    assert s.interest.total == D("35594.00") and t.interest == D("21356.40")  # 50 days, capped at 3 %
    assert t.net_receivable == D("97642.40")
    assert capitals(t.net_receivable) == "玖万柒仟陆佰肆拾贰元肆角"

    # in October the outage was confirmed but not yet kept back; nothing was due yet
    october = build("xinxiang", [paid], [], [outage], date(2025, 10, 1), date(2025, 10, 31))
    assert october.totals.damages["deducted"] == D("35594.00")
    assert october.totals.damages_pending == D("35594.00") and october.totals.receivable_due == 0
    assert october.totals.net_receivable == D("-35594.00")
    assert october.interest.total == 0


def test_voided_invoices_are_listed_not_counted():
    kept = Invoice(milestone="first", number="44000000001", kind="vat_special", amount=D("231000.00"),
                   issued_on=date(2025, 1, 10), voided_at=None)
    voided = Invoice(milestone="first", number="44000000002", kind="vat_special", amount=D("1000.00"),
                     issued_on=date(2025, 1, 9), voided_at=datetime(2025, 1, 9, tzinfo=UTC))
    s = build("xinjiang", invoices=[kept, voided], start=date(2025, 1, 1), end=date(2025, 1, 31))
    assert [i.number for i in s.invoices] == ["44000000002", "44000000001"]
    assert s.totals.invoiced == D("231000.00") and s.milestones[0].invoiced == D("231000.00")


def test_a_period_that_ends_before_it_starts_is_refused():
    with pytest.raises(ValueError):
        build("wuqia", start=date(2025, 2, 1), end=date(2025, 1, 1))


DAY0 = date(2024, 1, 1)
days = st.integers(min_value=0, max_value=1200)


@st.composite
def ledgers(draw, slug: str):
    """Payments, invoices and damages entries for one contract's milestones, never
    paying or deducting more than a milestone's amount."""
    c = contract_of(slug)
    payments, invoices, entries = [], [], []
    for m in c.terms.milestones:
        room = m.amount_of(c.value)
        for n in range(draw(st.integers(0, 3))):
            fen_ = draw(st.integers(1, int(room * 100) // 4 or 1))
            amount = D(fen_) / 100
            if amount > room:
                break
            room -= amount
            payments.append(Payment(milestone=m.code, amount=amount, reference=f"{m.code}-{n}",
                                    received_on=DAY0 + timedelta(days=draw(days))))
        if draw(st.booleans()):
            invoices.append(Invoice(milestone=m.code, number=f"4400{len(invoices):07d}", kind="vat_normal",
                                    amount=m.amount_of(c.value), issued_on=DAY0 + timedelta(days=draw(days)),
                                    voided_at=None))
        for n in range(draw(st.integers(0, 3))):
            amount = D(draw(st.integers(0, 5_000_000))) / 100
            occurred = datetime.combine(DAY0 + timedelta(days=draw(days)), datetime.min.time(), SHANGHAI) \
                + timedelta(hours=draw(st.integers(0, 23)))
            state = draw(st.sampled_from(STATES))
            decided = occurred + timedelta(days=draw(st.integers(0, 60)))
            deducted = state == "deducted" and amount <= room
            if state == "deducted" and not deducted:
                state = "confirmed"
            if deducted:
                room -= amount
            entries.append(entry(f"{m.code}:{n}", f"{amount}", occurred, state, decided,
                                 m.code if deducted else None,
                                 decided + timedelta(days=draw(st.integers(0, 90))) if deducted else None))
    return payments, invoices, entries


@settings(max_examples=150, deadline=None)
@given(data=st.data(), slug=st.sampled_from(["xinjiang", "xinxiang", "zhuhai", "beijing", "wuqia"]),
       first=days, length=st.integers(0, 800), split=st.integers(0, 800))
def test_statement_properties(data, slug, first, length, split):
    payments, invoices, entries = data.draw(ledgers(slug))
    recorded = {"acceptance": DAY0 + timedelta(days=400)}
    start = DAY0 + timedelta(days=first)
    end = start + timedelta(days=length)
    whole = build(slug, payments, invoices, entries, start, end, recorded)
    t = whole.totals

    # damages by state are the ledger's sums over the entries that occurred in the period
    for state in STATES:
        assert t.damages[state] == sum((e.counted_amount for e in entries if e.state == state
                                        and start <= local_day(e.occurred_at) <= end), D(0))
    assert sum(t.damages.values()) == sum(d.amount for d in whole.damages)
    # the net receivable is its three parts; the receivable is the due milestones' outstanding
    assert t.net_receivable == t.receivable_due - t.damages_pending + t.interest
    assert t.receivable_due == sum((m.outstanding for m in whole.milestones
                                    if m.due_on is not None and m.due_on <= end), D(0))
    assert all(m.outstanding >= 0 for m in whole.milestones)
    # the milestones show what was recorded by the end
    assert sum(m.paid for m in whole.milestones) == sum(
        (p.amount for p in payments if p.received_on <= end), D(0))
    assert t.received == sum(p.amount for p in whole.payments)
    if whole.interest is not None:
        assert 0 <= t.interest <= (whole.interest.cap if whole.interest.cap is not None else t.interest)

    # two adjacent periods add up to the whole
    if length:
        cut = start + timedelta(days=split % length)
        a = build(slug, payments, invoices, entries, start, cut, recorded).totals
        b = build(slug, payments, invoices, entries, cut + timedelta(days=1), end, recorded).totals
        assert a.invoiced + b.invoiced == t.invoiced
        assert a.received + b.received == t.received
        assert a.deducted_in_period + b.deducted_in_period == t.deducted_in_period
        for state in STATES:
            assert a.damages[state] + b.damages[state] == t.damages[state]
        # the balances are at each period's end: the later one is the whole's
        assert (b.receivable_due, b.damages_pending, b.net_receivable) == (
            t.receivable_due, t.damages_pending, t.net_receivable)

    # over all time, what the milestones show deducted is every deducted entry
    everything = build(slug, payments, invoices, entries, date(2000, 1, 1), date(2099, 12, 31), recorded)
    assert sum(m.deducted for m in everything.milestones) == sum(
        (e.counted_amount for e in entries if e.state == "deducted"), D(0))
    assert everything.totals.damages_pending == sum(
        (e.counted_amount for e in entries if e.state == "confirmed"), D(0))
