"""The liquidated-damages assessment: what a list of events costs under the contract.

A pure function of (terms, contract value, events): the same events in any order,
or twice, give the same entries — the ledger is re-assessed from its stored events
and the simulator uses the very same code without writing anything. Each entry keeps
the events it comes from, the clause, and the computation spelled out in Chinese.
Entries a person waived do not count (towards Nth occurrences or the cap).

Events are CloudEvent-shaped dicts: `id`, `type`, `time`, `data`. Recorded violations
(`billing.violation.recorded.v1`) name the rule they break in `data.rule`.
Per-day rules read `data.due_at` and `data.done_at` (or `data.days_late`); a later
event about the same `data.item` (e.g. the inspection round made up) completes it,
and until then it accrues to `as_of`. A `per: day` rule charges calendar days, not
items: each Shanghai day on which any item was late is charged once, to the item
that was late first.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from opspact.types import SHANGHAI, instant_of

from billing.deadlines import DEADLINE
from billing.money import fen, figures, percent_of
from billing.terms import BillingTerms, DamageRule

VIOLATION = "billing.violation.recorded.v1"
DAY_SECONDS = 86400


@dataclass
class Entry:
    key: str
    rule: str
    clause: str
    event_ids: list[str]
    occurred_at: datetime
    computation: str
    amount: Decimal
    counted_amount: Decimal = Decimal(0)  # after the cap
    occurrence: int | None = None
    days: int | None = None
    accruing: bool = False
    termination_right: str | None = None
    cap_reached: bool = False
    running_total: Decimal = Decimal(0)


@dataclass
class Assessment:
    entries: list[Entry]
    total: Decimal
    cap: Decimal | None
    cap_reached: bool
    termination_rights: list[Entry] = field(default_factory=list)


def _when(event: dict[str, Any]) -> datetime:
    return instant_of(event["time"])


def contract_year(start: date | None, day: date) -> int:
    """1 for the year from the term's start (and before it), 2 for the next, …"""
    if start is None or day < start:
        return 1
    return day.year - start.year - ((day.month, day.day) < (start.month, start.day)) + 1


def matches(rule: DamageRule, event: dict[str, Any]) -> bool:
    data = event.get("data") or {}
    if event.get("type") == DEADLINE:  # derived from the contract for the rule it names
        return rule.deadline is not None and data.get("rule") == rule.code
    if event.get("type") not in rule.events:
        return False
    if event["type"] == VIOLATION and data.get("rule") != rule.code:
        return False
    m = rule.match
    return ((not m.clocks or data.get("clock") in m.clocks)
            and (not m.priorities or data.get("priority") in m.priorities)
            and (not m.systems or data.get("system") in m.systems)
            and (not m.kinds or data.get("kind") in m.kinds))


def _days_late(data: dict[str, Any], as_of: datetime | None) -> tuple[int, bool] | None:
    """(whole days, still accruing); a part of a day counts as a day."""
    if data.get("days_late") is not None:
        return int(data["days_late"]), False
    if not data.get("due_at"):
        return None
    due = instant_of(data["due_at"])
    done = data.get("done_at")
    end = instant_of(done) if done else as_of
    if end is None:
        return None
    return max(0, math.ceil((end - due).total_seconds() / DAY_SECONDS)), not done


def _late_dates(data: dict[str, Any], first: datetime, as_of: datetime | None
                ) -> tuple[list[date], bool] | None:
    """The Shanghai days an item was late, and whether it still is. Counted by date, as
    逾期天数 are: work due on one day and done on a later one was late each day from the
    due day up to the day before it was done; done on its due day, one day."""
    if data.get("days_late") is not None:
        start, days, accruing = first.astimezone(SHANGHAI).date(), int(data["days_late"]), False
    elif data.get("due_at"):
        done = data.get("done_at")
        end = instant_of(done) if done else as_of
        if end is None:
            return None
        start = instant_of(data["due_at"]).astimezone(SHANGHAI).date()
        days = max(1, (end.astimezone(SHANGHAI).date() - start).days)
        accruing = not done
    else:
        return None
    return [start + timedelta(days=n) for n in range(days)], accruing


class _Assessor:
    def __init__(self, terms: BillingTerms, value: Decimal, term_start: date | None,
                 waived: set[str], as_of: datetime | None) -> None:
        self.terms, self.value, self.term_start = terms, value, term_start
        self.waived, self.as_of = waived, as_of
        self.counts: dict[tuple[str, int], int] = defaultdict(int)
        self.streaks: dict[str, int] = defaultdict(int)
        self.seen_tickets: dict[str, set[str]] = defaultdict(set)
        self.ticket_entries: dict[tuple[str, str], Entry] = {}
        self.per_day: dict[tuple[str, str], dict[str, Any]] = {}
        self.entries: list[Entry] = []

    def _base(self, percent: Decimal, days: int | None = None, base: Decimal | None = None,
              label: str = "合同总价") -> tuple[Decimal, str]:
        base = self.value if base is None else base
        amount = percent_of(base, percent, 1 if days is None else days)
        per_day = "" if days is None else f" × {days} 天"
        return amount, f"{label} {figures(base)} × {percent.normalize():f}%{per_day} = {figures(amount)}"

    def _add(self, entry: Entry) -> None:
        if entry.key in self.waived:
            return
        self.entries.append(entry)

    def take(self, rule: DamageRule, event: dict[str, Any]) -> None:
        data = event.get("data") or {}
        when = _when(event)
        key = f"{rule.code}:{event['id']}"
        if rule.once_per == "ticket" and data.get("ticket_id"):
            if data["ticket_id"] in self.seen_tickets[rule.code]:
                if data.get("serious"):  # the fault's consequence, judged after its breach
                    self._make_serious(rule, event, data["ticket_id"])
                return
            self.seen_tickets[rule.code].add(data["ticket_id"])
            key = f"{rule.code}:ticket:{data['ticket_id']}"
        if rule.kind == "per_occurrence" and key in self.waived:
            return  # a waived occurrence does not count towards the Nth either
        period = contract_year(self.term_start, when.date()) if rule.counting == "contract_year" else 0
        getattr(self, "_" + rule.kind)(rule, event, data, when, key, period)

    def _per_occurrence(self, rule, event, data, when, key, period) -> None:
        self.counts[(rule.code, period)] += 1
        n = self.counts[(rule.code, period)]
        esc = rule.escalation
        serious = bool(esc and esc.serious_too and data.get("serious"))
        entry = Entry(key=key, rule=rule.code, clause=rule.clause, event_ids=[event["id"]],
                      occurred_at=when, computation="", amount=Decimal(0), occurrence=n)
        self._price_occurrence(rule, entry, escalated=bool(esc and n == esc.at), serious=serious)
        self._add(entry)
        if data.get("ticket_id"):
            self.ticket_entries[(rule.code, data["ticket_id"])] = entry

    def _price_occurrence(self, rule, entry: Entry, escalated: bool, serious: bool) -> None:
        amount, text = self._base(rule.percent)
        esc, termination = rule.escalation, None
        if esc and (escalated or serious):
            extra, extra_text = self._base(esc.percent)
            amount, text = (amount + extra, f"{text}；另计 {extra_text}") if esc.base_too \
                else (extra, extra_text)
            if esc.termination_right:
                termination = ("造成严重后果" if serious else f"第{entry.occurrence}次违约") + \
                    "，甲方有权解除合同"
        label = f"第{entry.occurrence}次" + ("（造成严重后果）" if serious else "")
        entry.amount, entry.computation, entry.termination_right = amount, f"{label}：{text}", termination

    def _make_serious(self, rule, event, ticket: str) -> None:
        """A fault already counted found to have serious consequences: its one occurrence
        is priced as the escalation, in place (not a second occurrence)."""
        entry = self.ticket_entries.get((rule.code, ticket))
        esc = rule.escalation
        if entry is None or not (esc and esc.serious_too) or event["id"] in entry.event_ids:
            return
        entry.event_ids.append(event["id"])
        self._price_occurrence(rule, entry, escalated=bool(esc and entry.occurrence == esc.at),
                               serious=True)

    def _fixed(self, rule, event, data, when, key, period) -> None:
        amount, text = self._base(rule.percent)
        self._add(Entry(key=key, rule=rule.code, clause=rule.clause, event_ids=[event["id"]],
                        occurred_at=when, computation=text, amount=amount,
                        termination_right="甲方有权解除合同" if rule.termination_right else None))

    def _threshold(self, rule, event, data, when, key, period) -> None:
        self.counts[(rule.code, period)] += 1
        n = self.counts[(rule.code, period)]
        if n != rule.at:
            return
        amount, text = self._base(rule.percent)
        scope = f"第{period}合同年度内" if period else "合同期内"
        self._add(Entry(key=f"{rule.code}:{period}:{rule.at}", rule=rule.code, clause=rule.clause,
                        event_ids=[event["id"]], occurred_at=when,
                        computation=f"{scope}第{n}次：{text}", amount=amount, occurrence=n,
                        termination_right="甲方有权解除合同" if rule.termination_right else None))

    def _consecutive(self, rule, event, data, when, key, period) -> None:
        if data.get("passed", False):
            self.streaks[rule.code] = 0
            return
        self.streaks[rule.code] += 1
        n = self.streaks[rule.code]
        if n != rule.at:
            return
        amount, text = self._base(rule.percent)
        self._add(Entry(key=key, rule=rule.code, clause=rule.clause, event_ids=[event["id"]],
                        occurred_at=when, computation=f"连续第{n}个考核期未达标：{text}",
                        amount=amount, occurrence=n,
                        termination_right="甲方有权解除合同" if rule.termination_right else None))

    def _per_day(self, rule, event, data, when, key, period) -> None:
        item = str(data.get("item") or event["id"])
        state = self.per_day.setdefault((rule.code, item), {"entry": None, "data": {}, "ids": [],
                                                             "first": when, "rule": rule})
        state["data"].update(data)
        state["ids"].append(event["id"])
        if rule.per == "day":
            return  # charged by day once every item is known (charge_days)
        merged, previous = state["data"], state["entry"]
        late = _days_late(merged, self.as_of)
        if late is None or (rule.of == "part" and merged.get("part_value") is None):
            return  # nothing to count yet; what is known waits for the next event
        days, accruing = late
        base = Decimal(str(merged["part_value"])) if rule.of == "part" else None
        amount, text = self._base(rule.percent, days, base, "逾期部分价款" if rule.of == "part"
                                  else "合同总价")
        termination = (f"逾期{days}天，超过{rule.terminate_after_days}天，甲方有权解除合同"
                       if rule.terminate_after_days and days > rule.terminate_after_days else None)
        entry = Entry(key=f"{rule.code}:{item}", rule=rule.code, clause=rule.clause,
                      event_ids=list(state["ids"]), occurred_at=state["first"],
                      computation=text + ("（计至今日，仍在累计）" if accruing else ""),
                      amount=amount, days=days, accruing=accruing, termination_right=termination)
        if previous is not None and previous in self.entries:
            self.entries[self.entries.index(previous)] = entry
        else:
            self._add(entry)
        state["entry"] = entry
        if rule.beyond:
            self._beyond(rule, item, state, days)

    def _beyond(self, rule, item: str, state: dict[str, Any], days: int) -> None:
        """Past `beyond.days` late, once; gone again if a later event shortens the delay."""
        previous = state.get("beyond")
        if previous is not None and previous in self.entries:
            self.entries.remove(previous)
        state["beyond"] = None
        if days <= rule.beyond.days:
            return
        amount, text = self._base(rule.beyond.percent)
        entry = Entry(key=f"{rule.code}:{item}:beyond", rule=rule.code, clause=rule.beyond.clause,
                      event_ids=list(state["ids"]), occurred_at=state["first"] + timedelta(
                          days=rule.beyond.days), computation=f"逾期超过{rule.beyond.days}天：{text}",
                      amount=amount)
        self._add(entry)
        state["beyond"] = entry


    def charge_days(self) -> None:
        """The `per: day` rules: each late day charged once, to the item late first."""
        charged: dict[tuple[str, date], str] = {}
        late = []
        for (code, item), state in self.per_day.items():
            if state["rule"].per != "day" or f"{code}:{item}" in self.waived:
                continue  # a waived item's days are free for the others
            known = _late_dates(state["data"], state["first"], self.as_of)
            if known is not None:
                late.append((known[0][0], state["first"], item, state, *known))
        for _, _, item, state, dates, accruing in sorted(late, key=lambda x: x[:3]):
            rule = state["rule"]
            own = [d for d in dates if charged.setdefault((rule.code, d), item) == item]
            termination = (f"逾期{len(dates)}天，超过{rule.terminate_after_days}天，甲方有权解除合同"
                           if rule.terminate_after_days and len(dates) > rule.terminate_after_days
                           else None)
            # late only on days already charged: an entry of ¥0 all the same, so a proposed
            # entry from before an earlier item was known follows (the ledger opens none)
            amount, text = self._base(rule.percent, len(own))
            span = f"{own[0]:%Y-%m-%d}" + (f" 至 {own[-1]:%Y-%m-%d}" if len(own) > 1 else "") \
                if own else "无"
            shared = len(dates) - len(own)
            text = f"按日计，计费日 {span}：{text}" + (
                f"（逾期{len(dates)}天，其中{shared}天已按日计入同日其他逾期事项）" if shared else "")
            self.entries.append(Entry(
                key=f"{rule.code}:{item}", rule=rule.code, clause=rule.clause,
                event_ids=list(state["ids"]), occurred_at=state["first"],
                computation=text + ("（计至今日，仍在累计）" if accruing else ""),
                amount=amount, days=len(own), accruing=accruing, termination_right=termination))


def assess(terms: BillingTerms, value: Decimal, events: list[dict[str, Any]],
           term_start: date | None = None, waived: set[str] | frozenset = frozenset(),
           as_of: datetime | None = None, frozen: Mapping[str, Decimal] | None = None) -> Assessment:
    """`frozen`: entries a person signed off (confirmed, deducted) with the amounts counted
    then. They keep them, and the cap is what is left after them: an earlier breach found
    later takes only the rest, never more than the cap in all."""
    unique = {e["id"]: e for e in events}  # the same event twice counts once
    ordered = sorted(unique.values(), key=lambda e: (_when(e), e["id"]))
    assessor = _Assessor(terms, value, term_start, set(waived), as_of)
    for event in ordered:
        for rule in terms.damages.rules:
            if matches(rule, event):
                assessor.take(rule, event)
    assessor.charge_days()
    entries = sorted(assessor.entries, key=lambda e: (e.occurred_at, e.key))
    cap = percent_of(value, terms.damages.cap.percent) if terms.damages.cap else None
    frozen = frozen or {}
    reserved = sum(frozen.values(), Decimal(0))
    running, free, reached = Decimal(0), Decimal(0), False
    for entry in entries:
        if entry.key in frozen:
            entry.counted_amount = frozen[entry.key]
        else:
            counted = entry.amount if cap is None else min(entry.amount, cap - reserved - free)
            entry.counted_amount = fen(max(counted, Decimal(0)))
            free += entry.counted_amount
        running += entry.counted_amount
        entry.running_total = running
        if cap is not None and not reached and reserved + free >= cap:
            entry.cap_reached = reached = True
        if entry.counted_amount != entry.amount:
            entry.computation += f"；受违约金总额上限 {figures(cap)} 限制，计 {figures(entry.counted_amount)}"
    return Assessment(entries=entries, total=reserved + free, cap=cap, cap_reached=reached,
                      termination_rights=[e for e in entries if e.termination_right])
