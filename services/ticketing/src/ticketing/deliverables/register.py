"""The register as the contract makes it: every deliverable of every period, with its due
date. Pure — the tenant file in, the list out — so a figure can be checked by hand."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from opspact.calendar import WorkdayCalendar
from opspact.calendar.offsets import shifted
from opspact.calendar.workdays import CalendarMissing
from opspact.errors import NotFound

from ticketing.deliverables.settings import ANCHOR_NAMES, DeliverableSettings, Obligation
from ticketing.reports import periods

ONCE = "once"
PERIOD_KINDS = {"month": "monthly", "year": "annual"}


@dataclass(frozen=True)
class Entry:
    item: Obligation
    period: str  # 'once' | '2025-03' | '2025' (a service year)
    label: str
    due_on: date | None
    # why there is no due date: the item has no deadline, or its date is not known yet
    undated: str | None = None


def contract_anchors(config: dict) -> dict[str, date]:
    """The contract dates a due date hangs on, from the tenant file (with a term recorded
    since, e.g. wuqia's from its acceptance, merged in by load_tenant)."""
    contract = config.get("contract", {})
    term = contract.get("term", {})
    known = {"signing": contract.get("signed_on"), "term_start": term.get("start"),
             "term_end": term.get("end")}
    return {k: date.fromisoformat(str(v)) for k, v in known.items() if v}


def _dated(item: Obligation, anchor_on: date | None, calendar: WorkdayCalendar,
           anchor_name: str) -> tuple[date | None, str | None]:
    if item.due is None:
        return None, "合同未约定期限"
    if anchor_on is None:
        return None, f"{ANCHOR_NAMES[anchor_name]}日期尚未确定"
    try:
        return shifted(anchor_on, item.due.within, calendar, backwards=item.due.before is not None), None
    except CalendarMissing as exc:
        return None, f"工作日历缺少 {exc}"


def entries(settings: DeliverableSettings, config: dict, calendar: WorkdayCalendar) -> list[Entry]:
    anchors = contract_anchors(config)
    year_start = periods.service_year_start(config)
    out: list[Entry] = []
    for item in settings.items:
        if item.every == ONCE:
            anchor = item.due.anchor if item.due else "signing"
            due_on, undated = _dated(item, anchors.get(anchor), calendar, anchor)
            out.append(Entry(item, ONCE, item.name, due_on, undated))
            continue
        # one per month / service year of the term; none until the term is known
        if "term_start" not in anchors or "term_end" not in anchors:
            continue
        for period in periods.overlapping(PERIOD_KINDS[item.every], anchors["term_start"],
                                          anchors["term_end"], year_start):
            due_on, undated = _dated(item, min(period.last, anchors["term_end"]), calendar, "period_end")
            out.append(Entry(item, period.code, f"{period.label}{item.name}", due_on, undated))
    return out


def find(settings: DeliverableSettings, config: dict, calendar: WorkdayCalendar, code: str,
         period: str) -> Entry:
    for entry in entries(settings, config, calendar):
        if entry.item.code == code and entry.period == period:
            return entry
    known = [i.code for i in settings.items]
    if code not in known:
        raise NotFound(f"the contract names no deliverable {code!r}"
                       + (f"; it names {', '.join(known)}" if known else ""))
    raise NotFound(f"deliverable {code} has no period {period!r} in the term"
                   + ("; a one-off deliverable's period is 'once'" if period != ONCE else ""))
