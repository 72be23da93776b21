"""The clock engine, case by case: pauses, conditional targets, stops, reopen, policy
changes and missing calendars (no database: the engine works on clock objects)."""

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pytest
from opspact.calendar import SHANGHAI
from ticketing.sla.engine import ClockEngine
from ticketing.tenant_settings import TicketingTenantSettings

T0 = datetime(2025, 6, 3, 10, 0, tzinfo=SHANGHAI)  # a Tuesday, an ordinary working day
H = timedelta(hours=1)


def settings(**calendar) -> TicketingTenantSettings:
    return TicketingTenantSettings.model_validate({
        "systems": [{"code": "fee", "name": "收费系统"}],
        "calendar": calendar,
        "sla": {"policies": [
            {"name": "p1", "match": {"priorities": ["p1"]}, "warn_at_percent": 50,
             "clocks": [
                 {"clock": "response", "target": "30m", "clause": "30分钟响应"},
                 {"clock": "on_site", "target": "2h", "clause": "2小时到场"},
                 {"clock": "resolution", "target": "48h", "clause": "48小时解决"},
                 {"clock": "resolution", "target": "4h", "clause": "需协调其它单位的问题4小时内解决",
                  "while_status": "waiting_other_unit"}]},
            {"name": "p3", "match": {"priorities": ["p3"]},
             "clocks": [{"clock": "resolution", "target": "5 working days", "clause": "5个工作日"}]},
        ]},
    })


@dataclass
class FakeTicket:
    priority: str = "p1"
    status: str = "new"
    kind: str = "incident"
    system_code: str = "fee"
    tenant_id: str = "xinjiang"
    created_at: datetime = T0
    id: uuid.UUID = field(default_factory=uuid.uuid4)


def started(priority="p1", at=T0, **calendar):
    s = settings(**calendar)
    ticket = FakeTicket(priority=priority, created_at=at)
    engine = ClockEngine(s, at)
    clocks = engine.start(ticket, s.sla.policy_for("incident", priority, "fee", False))
    return s, ticket, {c.clock: c for c in clocks}


def move(s, ticket, clocks, to, at):
    engine = ClockEngine(s, at)
    outcome = engine.on_status(list(clocks.values()), ticket.status, to)
    ticket.status = to
    return outcome


def test_start_computes_due_and_warn_on_the_policy_percent():
    _, _, c = started()
    assert c["response"].due_at == T0 + timedelta(minutes=30)
    assert c["response"].warn_at == T0 + timedelta(minutes=15)
    assert c["resolution"].due_at == T0 + 48 * H
    assert all(clock.state == "running" for clock in c.values())


def test_each_status_stops_its_clock_met_or_breached():
    s, t, c = started()
    move(s, t, c, "acknowledged", T0 + timedelta(minutes=10))
    assert (c["response"].state, c["on_site"].state) == ("met", "running")
    outcome = move(s, t, c, "on_site", T0 + 3 * H)
    assert c["on_site"].state == "breached" and c["on_site"].breached_at == T0 + 2 * H
    assert outcome.breached == [c["on_site"]]  # announced once, by this transition
    move(s, t, c, "resolved", T0 + 5 * H)
    assert c["resolution"].state == "met" and c["resolution"].stopped_at == T0 + 5 * H


def test_skipping_steps_stops_every_clock_passed():
    s, t, c = started()
    move(s, t, c, "resolved", T0 + timedelta(minutes=20))
    assert {k: v.state for k, v in c.items()} == {"response": "met", "on_site": "met",
                                                   "resolution": "met"}


def test_waiting_meets_the_response_clock():
    s, t, c = started()
    move(s, t, c, "waiting_finance_dept", T0 + timedelta(minutes=5))
    assert c["response"].state == "met" and c["on_site"].state == "running"


def test_breach_already_marked_by_the_scheduler_is_not_announced_again():
    s, t, c = started()
    c["on_site"].breached_at = c["on_site"].due_at  # the scheduler got there first
    outcome = move(s, t, c, "on_site", T0 + 3 * H)
    assert c["on_site"].state == "breached"
    assert outcome.breached == [c["response"]]  # never acknowledged: that one is news


def test_pause_in_waiting_client_moves_the_deadline_by_the_paused_time():
    s, t, c = started()
    move(s, t, c, "acknowledged", T0 + timedelta(minutes=1))
    move(s, t, c, "waiting_client", T0 + 1 * H)
    assert c["resolution"].state == "paused" and c["resolution"].paused_since == T0 + H
    move(s, t, c, "dispatched", T0 + 4 * H)
    r = c["resolution"]
    assert r.state == "running" and r.paused_total == 3 * H
    assert r.due_at == T0 + 48 * H + 3 * H
    assert r.pauses == [[(T0 + H).isoformat(), (T0 + 4 * H).isoformat()]]


def test_resolving_while_paused_closes_the_pause_first():
    s, t, c = started()
    move(s, t, c, "waiting_client", T0 + H)
    move(s, t, c, "resolved", T0 + 60 * H)  # 59 h waiting for the client: not our time
    assert c["resolution"].state == "met" and c["resolution"].paused_total == 59 * H


def test_conditional_target_switches_and_switches_back():
    s, t, c = started()
    move(s, t, c, "waiting_other_unit", T0 + H)
    r = c["resolution"]
    assert (r.target, r.due_at) == ("4 hours", T0 + 4 * H)
    assert "协调其它单位" in r.clause
    move(s, t, c, "on_site", T0 + 2 * H)
    assert (r.target, r.due_at, r.clause) == ("48 hours", T0 + 48 * H, "48小时解决")


def test_conditional_target_already_past_is_breached_when_resolved():
    s, t, c = started()
    move(s, t, c, "waiting_other_unit", T0 + 5 * H)  # due T0+4h: overdue on entry
    assert c["resolution"].due_at == T0 + 4 * H
    outcome = move(s, t, c, "resolved", T0 + 6 * H)
    assert c["resolution"].state == "breached" and c["resolution"] in outcome.breached


def test_reopen_revives_resolution_and_counts_the_resolved_time_as_paused():
    s, t, c = started()
    move(s, t, c, "acknowledged", T0 + timedelta(minutes=10))
    move(s, t, c, "resolved", T0 + 10 * H)
    move(s, t, c, "acknowledged", T0 + 30 * H)  # reopened 20 h later
    r = c["resolution"]
    assert r.state == "running" and r.stopped_at is None
    assert r.due_at == T0 + 68 * H and r.paused_total == 20 * H
    assert c["response"].state == "met"  # the response was real: it stays met
    # revived, but its breach (nobody on site within 2 h) is a fact that stays
    assert c["on_site"].state == "running" and c["on_site"].breached_at == T0 + 2 * H


def test_priority_change_keeps_start_and_paused_time_on_the_new_schedule():
    s, t, c = started()
    move(s, t, c, "waiting_client", T0 + H)
    move(s, t, c, "acknowledged", T0 + 3 * H)  # 2 h paused
    t.priority = "p3"
    engine = ClockEngine(s, T0 + 4 * H)
    created = engine.on_policy(t, list(c.values()), s.sla.policy_for("incident", "p3", "fee", False),
                               lambda status: None)
    r = c["resolution"]
    assert created == [] and r.policy == "p3" and r.schedule == "working days"
    assert r.started_at == T0 and r.paused_total == 2 * H
    # 5 working days from Tue 10:00 plus the 2 h pause (working time on working days):
    # Wed, Thu, Fri, Mon, Tue → the next Tue at 12:00.
    assert r.due_at == datetime(2025, 6, 10, 12, 0, tzinfo=SHANGHAI)
    assert c["on_site"].state == "cancelled"  # p3 promises no on-site time
    # and back to p1: the on-site clock returns with its original start
    t.priority = "p1"
    engine = ClockEngine(s, T0 + 5 * H)
    engine.on_policy(t, list(c.values()), s.sla.policy_for("incident", "p1", "fee", False),
                     lambda status: None)
    assert c["on_site"].state == "running" and c["on_site"].due_at == T0 + 2 * H + 2 * H
    assert c["resolution"].due_at == T0 + 50 * H


def test_policy_change_adds_clock_already_passed_and_judges_it_at_that_time():
    s, t, c = started(priority="p3")
    move(s, t, c, "acknowledged", T0 + timedelta(minutes=45))
    t.priority = "p1"
    engine = ClockEngine(s, T0 + 2 * H)
    created = engine.on_policy(t, list(c.values()), s.sla.policy_for("incident", "p1", "fee", False),
                               lambda status: T0 + timedelta(minutes=45))
    by_name = {x.clock: x for x in created}
    assert set(by_name) == {"response", "on_site"}
    assert by_name["response"].state == "breached"  # acknowledged after 45 of 30 minutes
    assert by_name["on_site"].state == "running"
    assert engine.outcome.breached == [by_name["response"]]


@pytest.mark.parametrize("priority", ["p1", "p3"])
def test_deadline_in_a_year_without_calendar_data(priority):
    at = datetime(2026, 12, 28, 10, 0, tzinfo=SHANGHAI)
    s, t, c = started(priority=priority, at=at)
    r = c["resolution"]
    if priority == "p1":  # 7×24 clocks need no calendar
        assert r.state == "running"
        return
    assert (r.state, r.due_at, r.missing_year) == ("calendar_missing", None, 2027)
    move(s, t, c, "resolved", datetime(2026, 12, 30, 9, 0, tzinfo=SHANGHAI))
    assert r.state == "met"  # stopped before 2027 began: on time whatever 2027 holds


def test_missing_year_added_later_turns_the_clock_back_to_running():
    at = datetime(2026, 12, 28, 10, 0, tzinfo=SHANGHAI)
    _, t, c = started(priority="p3", at=at)
    s = settings(years={"2027": {"holidays": ["2027-01-01"], "workdays": []}})
    engine = ClockEngine(s, at + H)
    engine.on_status(list(c.values()), "new", "acknowledged")
    r = c["resolution"]
    engine.reschedule(r)
    # 14 h of Mon 28, Tue 29 – Thu 31, (Fri 1 Jan holiday, weekend), Mon 4 Jan, 10 h of Tue 5
    assert r.state == "running" and r.due_at == datetime(2027, 1, 5, 10, 0, tzinfo=SHANGHAI)
