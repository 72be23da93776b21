"""Inputs the contract itself produces: a deadline (wuqia 七(一) "完成时限：60 日") is late
whether or not anyone reports it. For each rule with a `deadline`, one input derived from
the contract's dates and the dates recorded since — the same pure function every time,
so the ledger and the simulator see the same thing and nothing is stored twice."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from opspact.calendar import WorkdayCalendar
from opspact.calendar.offsets import offset
from opspact.types import SHANGHAI

from billing.schedule import contract_dates
from billing.terms import BillingTerms

DEADLINE = "billing.deadline.v1"


def _start_of(day: date) -> str:
    return datetime.combine(day, time(0), SHANGHAI).isoformat()


def deadline_events(terms: BillingTerms, document: dict[str, Any],
                    recorded: dict[str, date]) -> list[dict[str, Any]]:
    """Late from the first day after the deadline up to and including the day recorded
    as done ("不满一天按一天计算": done the day after the deadline is one day late)."""
    dates = contract_dates(document, terms, recorded)
    calendar = WorkdayCalendar()
    events = []
    for rule in terms.damages.rules:
        deadline = rule.deadline
        if deadline is None or deadline.after not in dates:
            continue
        last_day = offset(dates[deadline.after], deadline.within, calendar)
        data: dict[str, Any] = {"rule": rule.code, "item": deadline.item,
                                "deadline": last_day.isoformat(), "deadline_clause": deadline.clause,
                                "due_at": _start_of(last_day + timedelta(days=1))}
        if rule.of == "part":  # nothing recorded as delivered: all of it is the late part
            data["part_value"] = document["contract"]["value"]
        done = recorded.get(deadline.done_by)
        if done is not None:
            data["done_on"] = done.isoformat()
            data["done_at"] = _start_of(done + timedelta(days=1))
        events.append({"id": f"deadline:{rule.code}:{deadline.item}", "type": DEADLINE,
                       "time": data["due_at"], "data": data})
    return events
