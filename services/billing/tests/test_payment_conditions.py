"""When a payment falls due under the conditions the contracts put on it, computed by
hand from the contracts' own numbers: the invoice first (zhuhai 五3, beijing 三2(3),
xinjiang's 专用发票) and beijing's budget approval (三2(6))."""

import copy
from datetime import date
from decimal import Decimal
from pathlib import Path

from billing import interest
from billing.schedule import schedule
from billing.terms import BillingTerms
from opspact.tenancy.model import load_tenant_files

TENANTS = {t.slug: t for t in load_tenant_files(Path(__file__).parents[3] / "deploy" / "tenants")}


def dues(slug: str, recorded=None, invoices=None) -> dict:
    doc = TENANTS[slug].slice_for("billing")
    terms = BillingTerms.model_validate(copy.deepcopy(doc["settings"]))
    return {d.milestone.code: d for d in schedule(terms, doc, recorded or {}, invoices or {})}


def test_beijing_waits_for_the_budget_approval_then_the_invoice():
    # effective 2026-05-29: without an approval nothing is due (three months of funds
    # pending would otherwise be 171 days of interest by 2026-12-01)
    first = dues("beijing")["first"]
    assert first.due_on is None and first.waiting_for == ["经费审批", "开具发票"]
    # approved 2026-09-01: due 15 days later, once invoiced (invoiced early: no change)
    approved = {"budget_approval": date(2026, 9, 1)}
    first = dues("beijing", approved, {"first": date(2026, 8, 20)})["first"]
    assert (first.trigger_on, first.due_on) == (date(2026, 9, 1), date(2026, 9, 16))
    # approved before the contract took effect: the effective date counts
    early = dues("beijing", {"budget_approval": date(2026, 3, 1)}, {"first": date(2026, 5, 1)})
    assert early["first"].due_on == date(2026, 6, 13)
    # the final payment: acceptance and approval, whichever is later, + 15 days
    final = dues("beijing", {**approved, "acceptance": date(2027, 6, 1)}, {"final": date(2027, 6, 2)})
    assert final["final"].due_on == date(2027, 6, 16)


def test_an_invoice_issued_late_moves_the_due_date_and_the_interest():
    # zhuhai 首付款 ¥72,000: 10 working days after signing (2023-11-09) is 2023-11-23
    on_time = dues("zhuhai", invoices={"first": date(2023, 11, 10)})["first"]
    assert on_time.due_on == date(2023, 11, 23) and on_time.note is None
    late = dues("zhuhai", invoices={"first": date(2023, 12, 20)})["first"]
    assert late.due_on == date(2023, 12, 20) and "2023-11-23" in late.note
    unissued = dues("zhuhai")["first"]
    assert unissued.due_on is None and unissued.waiting_for == ["开具发票"]
    # 万分之一 a day on the unpaid ¥72,000 from the day after the due date: to 2023-12-30
    # that is 10 days, ¥72.00 — from the contract's date it would have been 37 days
    terms = BillingTerms.model_validate(copy.deepcopy(TENANTS["zhuhai"].slice_for("billing")["settings"]))
    owed = [interest.Owed("first", "首付款", Decimal("72000.00"), late.due_on)]
    result = interest.accrue(terms.late_interest, Decimal("708000.00"), owed, date(2023, 12, 30), None)
    assert result.accruals[0].days_late == 10 and result.total == Decimal("72.00")


def test_xinjiang_final_waits_for_acceptance_term_end_and_the_special_invoice():
    final = dues("xinjiang", {"acceptance": date(2025, 1, 10)})["final"]
    assert final.due_on is None and "开具发票" in final.waiting_for
