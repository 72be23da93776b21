"""Late-payment interest for the four contracts that have a clause, and the LPR table."""

from datetime import date
from decimal import Decimal

import pytest
from billing.interest import Owed, accrue, stretches
from billing.lpr import one_year_on
from billing.terms import LateInterest
from hypothesis import given
from hypothesis import strategies as st

D = Decimal
XINXIANG = LateInterest(basis="value_per_day", rate="0.1", cap="3", clause="每延迟一日0.1%，最高3%")
ZHUHAI = LateInterest(basis="overdue_per_day", rate="0.01", clause="逾期部分每日万分之一")
BEIJING = LateInterest(basis="lpr", cap="10", day_count="act/365", clause="1年期LPR，最高10%")


def test_xinxiang_value_per_day_up_to_three_percent():
    owed = [Owed("final", "尾款", D("711880.00"), date(2025, 11, 11))]
    ten = accrue(XINXIANG, D("711880.00"), owed, date(2025, 11, 21), None)
    assert ten.accruals[0].days_late == 10 and ten.total == D("7118.80") == ten.payable
    forty = accrue(XINXIANG, D("711880.00"), owed, date(2025, 12, 21), None)
    assert forty.total == D("28475.20") and forty.cap == D("21356.40") == forty.payable


def test_zhuhai_counts_each_day_on_what_was_unpaid_that_day():
    owed = [Owed("m2", "第二期", D("636000.00"), date(2024, 11, 22),
                 ((date(2024, 12, 2), D("300000.00")),))]
    result = accrue(ZHUHAI, D("708000.00"), owed, date(2024, 12, 11), None)
    item = result.accruals[0]
    # 11-23 … 12-02 (10 days, the payment day included) on 636,000; 12-03 … 12-11 (9) on 336,000
    assert item.days_late == 19 and item.unpaid == D("336000.00")
    assert item.amount == D("938.40") and len(item.steps) == 2
    assert result.cap is None and result.payable == D("938.40")


def test_beijing_lpr_of_the_effective_date_act_365_with_the_table_note():
    owed = [Owed("m1", "首期", D("3007660.00"), date(2026, 7, 1))]
    result = accrue(BEIJING, D("6015320.00"), owed, date(2026, 7, 31), date(2026, 5, 29))
    assert result.lpr.rate == D("3.00") and result.lpr.announced_on == date(2025, 5, 20)
    assert "核对至" in result.lpr.note
    assert result.accruals[0].days_late == 30 and result.total == D("7416.15")  # × 3% × 30/365
    assert result.cap == D("601532.00")


def test_paid_on_time_or_not_yet_due_costs_nothing():
    owed = [Owed("a", "甲", D("100.00"), date(2025, 1, 10), ((date(2025, 1, 10), D("100.00")),)),
            Owed("b", "乙", D("100.00"), date(2025, 2, 1))]
    assert accrue(ZHUHAI, D("200.00"), owed, date(2025, 1, 20), None).accruals == []
    late_a_day = [Owed("a", "甲", D("100.00"), date(2025, 1, 10), ((date(2025, 1, 11), D("100.00")),))]
    assert accrue(ZHUHAI, D("100.00"), late_a_day, date(2025, 3, 1), None).accruals[0].days_late == 1


@pytest.mark.parametrize(("day", "rate"), [
    (date(2019, 8, 20), "4.25"), (date(2020, 4, 19), "4.05"), (date(2020, 4, 20), "3.85"),
    (date(2023, 11, 30), "3.45"), (date(2024, 11, 12), "3.10"), (date(2025, 6, 1), "3.00")])
def test_lpr_in_force_on_a_day(day, rate):
    assert one_year_on(day).rate == D(rate)
    assert (one_year_on(day).note is None) == (day <= date(2025, 5, 20))


def test_lpr_before_the_reform_is_refused():
    with pytest.raises(ValueError, match="began"):
        one_year_on(date(2019, 8, 19))


def test_a_contract_without_its_effective_date_cannot_use_lpr():
    with pytest.raises(ValueError, match="effective"):
        accrue(BEIJING, D("1.00"), [], date(2026, 1, 1), None)


amounts = st.decimals(min_value=D("0.01"), max_value=D("5000000"), places=2)


@given(amount=amounts, late=st.integers(0, 400), paid_after=st.integers(0, 400), part=st.integers(0, 100))
def test_stretches_and_cap_hold_for_any_schedule(amount, late, paid_after, part):
    due = date(2025, 1, 1)
    paid = (amount * part / 100).quantize(D("0.01"))
    owed = Owed("m", "期", amount, due, ((date.fromordinal(due.toordinal() + paid_after), paid),))
    as_of = date.fromordinal(due.toordinal() + late)
    parts = stretches(owed, as_of)
    assert all(unpaid > 0 and end > start for start, end, unpaid in parts)
    assert sum((e - s).days for s, e, _ in parts) <= late
    result = accrue(XINXIANG, amount, [owed], as_of, None)
    assert D(0) <= result.payable <= result.cap and result.payable <= result.total
