"""The deliverables register as a pure function of the tenant file: due dates counted by
hand from a contract's dates, and the tenant-file rules that keep an item meaningful."""

from datetime import date

import pytest
from opspact.auth import Principal
from opspact.calendar import WorkdayCalendar
from opspact.errors import Forbidden, NotFound
from pydantic import ValidationError
from ticketing.deliverables import register
from ticketing.deliverables.settings import DeliverableSettings
from ticketing.signoff.service import check_certificate, method_of

CONTRACT = {"contract": {"signed_on": "2024-09-27", "term": {"start": "2024-10-08", "end": "2025-02-10"}}}


def settings(*items: dict, **more) -> DeliverableSettings:
    return DeliverableSettings.model_validate({"items": list(items), **more})


def item(code: str, **fields) -> dict:
    return {"code": code, "name": code, "clause": "（条款）", **fields}


def due_dates(s: DeliverableSettings, config: dict = CONTRACT) -> dict:
    return {(e.item.code, e.period): (e.due_on, e.undated)
            for e in register.entries(s, config, WorkdayCalendar())}


def test_due_dates_counted_by_hand():
    got = due_dates(settings(
        # 2024-09-27 (Fri) + 3 working days: 9-29 (Sun, worked for National Day), 9-30, then
        # the holiday until 10-07: 10-08
        item("plan", due={"after": "signing", "within": "3 working days"}),
        item("arrive", due={"after": "signing", "within": "3 days"}),
        item("accept", due={"before": "term_end", "within": "1 month"}),
        item("before-start", due={"before": "term_start", "within": "2 working days"}),
        item("summary", due={"after": "term_end", "within": "15 days"}),
        item("monthly", every="month", due={"after": "period_end", "within": "5 working days"}),
        item("open")))
    assert got[("plan", "once")] == (date(2024, 10, 8), None)
    assert got[("arrive", "once")] == (date(2024, 9, 30), None)
    assert got[("accept", "once")] == (date(2025, 1, 10), None)
    assert got[("before-start", "once")] == (date(2024, 9, 29), None)  # 9-30, then the Sunday worked
    assert got[("summary", "once")] == (date(2025, 2, 25), None)
    assert got[("open", "once")] == (None, "合同未约定期限")
    months = {p: d for (c, p), (d, _) in got.items() if c == "monthly"}
    assert list(months) == ["2024-10", "2024-11", "2024-12", "2025-01", "2025-02"]
    assert months["2024-10"] == date(2024, 11, 7)  # 10-31 (Thu) + 5 working days
    assert months["2025-01"] == date(2025, 2, 10)  # the Spring Festival: 1-28 … 2-04 off, 1-26 worked
    assert months["2025-02"] == date(2025, 2, 17)  # the term ends 2-10: counted from there


def test_a_term_not_known_yet_dates_nothing_on_it():
    pending = {"contract": {"signed_on": "2023-11-30", "term": {"starts_with": "acceptance"}}}
    got = due_dates(settings(item("delivery", due={"after": "signing", "within": "60 days"}),
                             item("accept", due={"before": "term_end", "within": "1 month"}),
                             item("monthly", every="month", due={"after": "period_end"})), pending)
    assert got == {("delivery", "once"): (date(2024, 1, 29), None),
                   ("accept", "once"): (None, "服务期满日期尚未确定")}


@pytest.mark.parametrize(("bad", "words"), [
    (item("x", due={"after": "signing", "before": "term_end"}), "exactly one of after or before"),
    (item("x", due={"after": "signing", "within": "3 weeks"}), "'1 month'"),
    (item("x", due={"after": "signing", "within": "-3 days"}), "counts backwards"),
    (item("x", every="month", due={"after": "signing"}), "period_end is the anchor"),
    (item("x", due={"after": "period_end"}), "period_end is the anchor"),
    (item("x", every="year", records="acceptance"), "only a one-off item records"),
    (item("X Y"), "string should match pattern"),
])
def test_tenant_file_mistakes_are_named(bad, words):
    with pytest.raises(ValidationError) as raised:
        settings(bad)
    assert words.lower() in str(raised.value).lower()


def test_one_item_at_most_records_the_acceptance():
    with pytest.raises(ValidationError, match="one deliverable at most"):
        settings(item("a", records="acceptance"), item("b", records="acceptance"))
    with pytest.raises(ValidationError, match="unique"):
        settings(item("a"), item("a"))


def test_find_names_what_the_contract_holds():
    s = settings(item("plan", due={"after": "signing"}),
                 item("m", every="month", due={"after": "period_end"}))
    assert register.find(s, CONTRACT, WorkdayCalendar(), "m", "2024-12").label == "2024年12月m"
    with pytest.raises(NotFound, match="it names plan, m"):
        register.find(s, CONTRACT, WorkdayCalendar(), "nope", "once")
    with pytest.raises(NotFound, match="period is 'once'"):
        register.find(s, CONTRACT, WorkdayCalendar(), "plan", "2024-12")


def test_a_tenant_may_require_a_certificate_at_the_signature():
    token = Principal("officer", "xinjiang", ("client_admin",))
    pki = Principal("officer", "xinjiang", ("client_admin",), amr=("pki",))
    check_certificate(token, "optional", "xinjiang")
    check_certificate(pki, "required", "xinjiang")
    with pytest.raises(Forbidden, match="数字证书"):
        check_certificate(token, "required", "xinjiang")
    assert (method_of(token), method_of(pki)) == ("token", "pki")
