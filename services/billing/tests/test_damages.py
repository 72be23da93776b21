"""The damages rules of the five contracts, table by table, and the properties every
assessment keeps (hypothesis): the cap is never exceeded, replaying or reordering the
same events changes nothing, the total is the sum of the entries."""

import copy
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from billing.damages import assess
from billing.terms import BillingTerms
from hypothesis import given, settings
from hypothesis import strategies as st
from opspact.tenancy.model import load_tenant_files

TENANTS = {t.slug: t for t in load_tenant_files(Path(__file__).parents[3] / "deploy" / "tenants")}
T0 = datetime(2025, 1, 6, 9, tzinfo=UTC)


def terms_of(slug: str) -> tuple[BillingTerms, Decimal, date | None]:
    doc = TENANTS[slug].slice_for("billing")
    start = doc["contract"]["term"].get("start")
    return (BillingTerms.model_validate(copy.deepcopy(doc["settings"])),
            Decimal(doc["contract"]["value"]), date.fromisoformat(start) if start else None)


def event(n: int, type_: str, day: float = 0, **data) -> dict:
    return {"id": f"ev-{n}", "type": type_, "time": (T0 + timedelta(days=day)).isoformat(),
            "data": data}


def breach(n, ticket, clock="resolution", day=0, priority="p2"):
    return event(n, "ticketing.sla.breached.v1", day, ticket_id=ticket, clock=clock,
                 priority=priority)


def run(slug, events, **kw):
    terms, value, start = terms_of(slug)
    return assess(terms, value, events, term_start=start, **kw)


def test_xinjiang_third_breach_is_20_percent_with_termination_right():
    a = run("xinjiang", [breach(1, "t1"), breach(2, "t1", "on_site", 0.1),  # one fault, once
                         breach(3, "t2", day=2), breach(4, "t3", day=9)])
    assert [e.amount for e in a.entries] == [Decimal("7700.00"), Decimal("7700.00"),
                                             Decimal("154000.00")]
    assert a.entries[0].event_ids == ["ev-1"] and a.entries[0].occurrence == 1
    assert "第3次" in a.entries[2].computation and "× 20%" in a.entries[2].computation
    assert [e.rule for e in a.termination_rights] == ["breach"]
    assert a.total == Decimal("169400.00") and a.cap is None


def test_xinjiang_waived_breach_does_not_count_towards_the_third():
    a = run("xinjiang", [breach(1, "t1"), breach(2, "t2", day=1), breach(3, "t3", day=2)],
            waived={"breach:ticket:t2"})
    assert [e.occurrence for e in a.entries] == [1, 2] and not a.termination_rights


def test_xinjiang_second_replacement_in_a_contract_year():
    replaced = "inventory.staff.replaced.v1"
    # term starts 2024-12-16: Jan 2025 and Nov 2025 share year 1; Dec 2025 is year 2
    a = run("xinjiang", [event(1, replaced, 0), event(2, replaced, 300), event(3, replaced, 345),
                         event(4, replaced, 350)])
    assert [(e.rule, e.amount) for e in a.entries] == [("staff-replacement", Decimal("7700.00")),
                                                        ("staff-replacement", Decimal("7700.00"))]
    assert "第1合同年度" in a.entries[0].computation and "第2合同年度" in a.entries[1].computation


def test_xinjiang_three_consecutive_failed_assessments():
    assessed = "billing.assessment.recorded.v1"
    a = run("xinjiang", [event(1, assessed, 0, passed=False), event(2, assessed, 30, passed=False),
                         event(3, assessed, 60, passed=True), event(4, assessed, 90, passed=False),
                         event(5, assessed, 120, passed=False), event(6, assessed, 150, passed=False)])
    assert [(e.rule, e.amount, e.event_ids) for e in a.entries] == [
        ("assessment", Decimal("77000.00"), ["ev-6"])]
    assert a.entries[0].termination_right


def test_xinxiang_fixed_and_major_fault_clock_rules():
    violation = "billing.violation.recorded.v1"
    a = run("xinxiang", [event(1, violation, 0, rule="major-outage"),
                         event(2, violation, 1, rule="records"),
                         breach(3, "t9", "response", 2, "p1"), breach(4, "t9", "on_site", 2.1, "p1"),
                         breach(5, "t8", "resolution", 3, "p1")])
    assert [(e.rule, e.amount) for e in a.entries] == [
        ("major-outage", Decimal("35594.00")), ("records", Decimal("21356.40")),
        ("major-fault-clock", Decimal("21356.40"))]


MISSED, MADE_UP = "ticketing.inspection.missed.v1", "ticketing.inspection.made_up.v1"
BREACHED, STOPPED_LATE = "ticketing.sla.breached.v1", "ticketing.sla.stopped_late.v1"
ZHUHAI_DAY = Decimal("2124.00")  # 708,000 × 0.3 %


def shanghai(text: str) -> str:
    return datetime.fromisoformat(text + "+08:00").isoformat()


def test_zhuhai_late_inspection_accrues_by_date_and_raises_termination_after_5():
    due = shanghai("2025-01-06T18:00")
    opened = [event(1, MISSED, 0, item="round-7", due_at=due)]
    accruing = run("zhuhai", opened, as_of=datetime.fromisoformat(shanghai("2025-01-08T20:00")))
    [entry] = accruing.entries
    assert entry.accruing and entry.days == 2  # late on the 6th and the 7th so far
    assert entry.amount == 2 * ZHUHAI_DAY
    closed = run("zhuhai", [*opened, event(2, MADE_UP, 7, item="round-7",
                                           done_at=shanghai("2025-01-12T19:00"))])
    [entry] = closed.entries
    assert not entry.accruing and entry.days == 6 and entry.event_ids == ["ev-1", "ev-2"]
    assert entry.amount == 6 * ZHUHAI_DAY and "超过5天" in entry.termination_right


def test_zhuhai_a_day_of_missed_rounds_costs_one_day_not_three():
    rounds = ["08:00", "13:00", "19:00"]  # a heightened day, each due an hour after
    events = []
    for n, hour in enumerate(rounds):
        item = f"inspection:daily@2024-06-09T{hour}"
        due = shanghai(f"2024-06-09T{int(hour[:2]) + 1:02d}:00")
        events += [event(10 + n, MISSED, 0, item=item, due_at=due),
                   event(20 + n, MADE_UP, 1, item=item, done_at=shanghai("2024-06-10T09:30"))]
    a = run("zhuhai", events)
    assert a.total == ZHUHAI_DAY
    charged = [e for e in a.entries if e.amount]
    assert [(e.key, e.days) for e in charged] == [("late-work:inspection:daily@2024-06-09T08:00", 1)]
    assert "2024-06-09" in charged[0].computation


def test_zhuhai_late_support_costs_per_day_until_the_clock_stops():
    # 二4(2): not solved within 5 working days. Due Friday 17:30, solved Tuesday morning:
    # late Friday, Saturday, Sunday and Monday.
    item, due = "sla:t1:resolution", shanghai("2024-03-01T17:30")
    breached = event(1, BREACHED, 0, item=item, ticket_id="t1", clock="resolution", due_at=due)
    stopped = event(2, STOPPED_LATE, 4, item=item, ticket_id="t1", clock="resolution", due_at=due,
                    done_at=shanghai("2024-03-05T10:00"))
    a = run("zhuhai", [breached, stopped])
    [entry] = a.entries
    assert entry.rule == "late-work" and entry.days == 4 and entry.amount == 4 * ZHUHAI_DAY
    assert entry.termination_right is None
    # a round missed on the Saturday adds no day: the Saturday is already charged
    weekend = [event(3, MISSED, 1, item="round-sat", due_at=shanghai("2024-03-02T10:00")),
               event(4, MADE_UP, 1, item="round-sat", done_at=shanghai("2024-03-02T16:00"))]
    assert run("zhuhai", [breached, stopped, *weekend]).total == 4 * ZHUHAI_DAY
    # ... but one missed on the Tuesday does
    tuesday = [event(5, MISSED, 4, item="round-tue", due_at=shanghai("2024-03-05T10:00")),
               event(6, MADE_UP, 4, item="round-tue", done_at=shanghai("2024-03-05T16:00"))]
    assert run("zhuhai", [breached, stopped, *tuesday]).total == 5 * ZHUHAI_DAY


def test_zhuhai_a_waived_item_frees_its_days_for_the_others():
    first = [event(1, MISSED, 0, item="a", due_at=shanghai("2024-06-09T09:00")),
             event(2, MADE_UP, 1, item="a", done_at=shanghai("2024-06-10T09:00"))]
    second = [event(3, MISSED, 0, item="b", due_at=shanghai("2024-06-09T14:00")),
              event(4, MADE_UP, 1, item="b", done_at=shanghai("2024-06-10T09:00"))]
    both = run("zhuhai", [*first, *second])
    assert [(e.key, e.amount) for e in both.entries] == [("late-work:a", ZHUHAI_DAY),
                                                         ("late-work:b", Decimal("0.00"))]
    waived = run("zhuhai", [*first, *second], waived={"late-work:a"})
    assert [(e.key, e.amount) for e in waived.entries] == [("late-work:b", ZHUHAI_DAY)]


def test_wuqia_late_part_and_the_ten_percent_cap():
    violation = "billing.violation.recorded.v1"
    events = [event(1, violation, 0, rule="late-delivery", item="rpa", part_value="200000.00",
                    days_late=12)]
    events += [event(10 + n, violation, n + 1, rule="confidentiality") for n in range(6)]
    a = run("wuqia", events)
    assert a.entries[0].amount == Decimal("240.00")  # 200,000 × 0.01 % × 12 days
    assert a.cap == Decimal("95500.00")
    assert a.total == a.cap and a.cap_reached
    capped = [e for e in a.entries if e.counted_amount != e.amount]
    assert capped and "上限" in capped[0].computation
    assert [e.counted_amount for e in a.entries][-1] == Decimal("0.00")


def test_beijing_failure_and_unknown_events_are_ignored():
    a = run("beijing", [event(1, "billing.violation.recorded.v1", 0, rule="failure"),
                        event(2, "ticketing.ticket.updated.v1", 0),
                        event(3, "billing.violation.recorded.v1", 0, rule="no-such-rule")])
    assert [(e.rule, e.amount) for e in a.entries] == [("failure", Decimal("1203064.00"))]


EVENT_KINDS = st.sampled_from([
    ("ticketing.sla.breached.v1", {"clock": "resolution"}),
    ("billing.violation.recorded.v1", {"rule": "confidentiality"}),
    ("billing.violation.recorded.v1", {"rule": "invoice"}),
    ("billing.violation.recorded.v1", {"rule": "late-acceptance", "days_late": 40}),
    ("billing.violation.recorded.v1", {"rule": "misconduct"}),
    ("inventory.staff.replaced.v1", {}),
    ("billing.assessment.recorded.v1", {"passed": False}),
    # zhuhai's per-day rule: the same items late and made up in any order
    ("ticketing.inspection.missed.v1", {"item": "r1", "due_at": "2025-01-06T10:00:00+08:00"}),
    ("ticketing.inspection.made_up.v1", {"item": "r1", "done_at": "2025-01-08T10:00:00+08:00"}),
    ("ticketing.sla.breached.v1", {"item": "s1", "clock": "resolution",
                                   "due_at": "2025-01-07T10:00:00+08:00"}),
])
EVENTS = st.lists(st.tuples(EVENT_KINDS, st.integers(0, 400), st.integers(0, 5)),
                  max_size=25).map(lambda items: [
                      {"id": f"e{n}", "type": t, "time": (T0 + timedelta(days=d)).isoformat(),
                       "data": {**data, "ticket_id": f"t{ticket}"}}
                      for n, ((t, data), d, ticket) in enumerate(items)])


@settings(max_examples=150, deadline=None)
@given(EVENTS, st.sampled_from(sorted(TENANTS)), st.randoms())
def test_assessment_properties(events, slug, rnd):
    a = run(slug, events)
    if a.cap is not None:
        assert a.total <= a.cap
    assert a.total == sum((e.counted_amount for e in a.entries), Decimal(0))
    assert all(e.counted_amount <= e.amount for e in a.entries)
    shuffled = events[:] + events[: len(events) // 2]  # replayed duplicates
    rnd.shuffle(shuffled)
    again = run(slug, shuffled)
    assert [(e.key, e.counted_amount) for e in again.entries] == \
        [(e.key, e.counted_amount) for e in a.entries]


def test_xinjiang_a_serious_consequence_costs_the_20_percent_on_its_own():
    violation = "billing.violation.recorded.v1"
    # 8.2 "发生三次或造成严重后果的…20%": the first breach, recorded as serious
    a = run("xinjiang", [event(1, violation, 0, rule="breach", serious=True)])
    [entry] = a.entries
    assert entry.amount == Decimal("154000.00") and "造成严重后果" in entry.termination_right
    # a fault whose SLA breach cost its 1 %, found serious later: the same occurrence,
    # now 20 % instead of 1 % (not 1 % + 20 %), and the next breach is the second
    a = run("xinjiang", [breach(1, "t1"), event(2, violation, 1, rule="breach", ticket_id="t1",
                                                serious=True), breach(3, "t2", day=2)])
    assert [(e.occurrence, e.amount) for e in a.entries] == [(1, Decimal("154000.00")),
                                                             (2, Decimal("7700.00"))]
    assert a.entries[0].event_ids == ["ev-1", "ev-2"] and "（造成严重后果）" in a.entries[0].computation


def wuqia_run(recorded: dict, as_of: datetime | None = None, events=()):
    from billing.deadlines import deadline_events
    terms, value, start = terms_of("wuqia")
    derived = deadline_events(terms, TENANTS["wuqia"].slice_for("billing"), recorded)
    return assess(terms, value, [*events, *derived], term_start=start, as_of=as_of)


def test_wuqia_late_delivery_and_acceptance_from_the_60_day_limit():
    # signed 2023-11-30 + 60 days: due by 2024-01-29; delivered 02-08 = 10 days late on
    # the whole value (nothing was delivered before): 955,000 × 0.01 % × 10
    a = wuqia_run({"delivery": date(2024, 2, 8), "acceptance": date(2024, 3, 10)})
    by_key = {e.key: e for e in a.entries}
    delivery = by_key["late-delivery:delivery"]
    assert (delivery.days, delivery.amount, delivery.accruing) == (10, Decimal("955.00"), False)
    # accepted 03-10: 41 days late → 3,915.50, and beyond 30 days the 2 % once (19,100)
    acceptance = by_key["late-acceptance:acceptance"]
    assert (acceptance.days, acceptance.amount) == (41, Decimal("3915.50"))
    assert "超过30天" in acceptance.termination_right
    beyond = by_key["late-acceptance:acceptance:beyond"]
    assert beyond.amount == Decimal("19100.00") and "逾期超过30天" in beyond.computation
    assert a.total == Decimal("23970.50")


def test_wuqia_on_time_costs_nothing_and_nothing_recorded_accrues():
    on_time = wuqia_run({"delivery": date(2024, 1, 29), "acceptance": date(2024, 1, 29)})
    assert [e.amount for e in on_time.entries] == [Decimal("0.00"), Decimal("0.00")]
    within = wuqia_run({"delivery": date(2024, 1, 20), "acceptance": date(2024, 2, 20)})
    assert {e.key: e.days for e in within.entries} == {"late-delivery:delivery": 0,
                                                      "late-acceptance:acceptance": 22}
    pending = wuqia_run({}, as_of=datetime(2024, 2, 3, 12, tzinfo=UTC))
    assert all(e.accruing for e in pending.entries)
    assert {e.key: e.days for e in pending.entries} == {"late-delivery:delivery": 5,
                                                       "late-acceptance:acceptance": 5}


def test_signed_off_entries_keep_their_amounts_and_the_cap_still_holds():
    """wuqia's cap is 10 % (¥95,500). Five confidentiality breaches (2 % each) confirmed fill
    it; a breach found later that happened before them takes only what is left: nothing."""
    violation = "billing.violation.recorded.v1"
    later = [event(10 + n, violation, 10 + n, rule="confidentiality") for n in range(5)]
    signed = {e.key: e.counted_amount for e in run("wuqia", later).entries}
    assert sum(signed.values()) == Decimal("95500.00")
    earlier = event(1, violation, 1, rule="confidentiality")
    a = run("wuqia", [earlier, *later], frozen=signed)
    assert a.total == Decimal("95500.00") and a.cap_reached
    new = next(e for e in a.entries if e.key not in signed)
    assert new.counted_amount == Decimal("0.00") and "上限" in new.computation
    assert {e.key: e.counted_amount for e in a.entries if e.key in signed} == signed
    # unfrozen, the earlier breach would push the last one out instead
    assert run("wuqia", [earlier, *later]).total == Decimal("95500.00")
