"""The dashboard's figures for one tenant, each read from the API that keeps the list behind
it (and linking there): today's rounds, clocks about to breach and breached this month, open
tickets by priority and age, roster gaps in the next 7 days, milestones due and overdue,
damages proposed this month, SMS quota and delivery failures. A part the person may not read
is left out (None), never guessed."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal
from urllib.parse import urlencode

from opspact.calendar import SHANGHAI

from console.api import ApiError
from console.desk.money import value
from console.messages import LABELS
from console.sessions import Session

OPEN = tuple(s for s in LABELS["status"] if s not in ("resolved", "closed"))
PRIORITIES = ("p1", "p2", "p3", "p4")
# open tickets by how long they have been open: (key, from days, to days)
AGES = (("lt1d", 0, 1), ("1-3d", 1, 3), ("3-7d", 3, 7), ("gt7d", 7, None))
DUE_SOON = "2h"  # the queue's 即将超时 view


@dataclass
class Figures:
    tenant: str
    rounds: dict[str, int] | None = None  # done, due, later, missed (today)
    due_soon: int | None = None
    breached_this_month: int | None = None
    open_by_priority_age: dict[str, dict[str, int]] | None = None
    roster_gaps: list[dict] | None = None
    milestones_due: list[dict] | None = None
    milestones_overdue: list[dict] | None = None
    damages_proposed: tuple[int, dict] | None = None  # (count, amount) this month
    sms: dict | None = None
    sms_failed: int | None = None

    @property
    def open_total(self) -> int | None:
        if self.open_by_priority_age is None:
            return None
        return sum(n for ages in self.open_by_priority_age.values() for n in ages.values())


def month_start(now: datetime) -> datetime:
    return now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def queue_link(**params) -> str:
    pairs = [(k, v) for k, vs in params.items() for v in (vs if isinstance(vs, (list, tuple)) else [vs])]
    return "/console/queue?" + urlencode(pairs)


async def gather(gateway, session: Session, now: datetime | None = None) -> Figures:
    """Every figure of the session's tenant, the API calls made side by side."""
    now = now or datetime.now(SHANGHAI)
    may = session.may
    parts = {
        "rounds": _rounds(gateway, session, now) if may("inspections.read") else None,
        "due_soon": _count(gateway, session, due_within=DUE_SOON) if may("tickets.read") else None,
        "breached_this_month": _count(gateway, session, breached="true",
                                      created_from=month_start(now).isoformat())
        if may("tickets.read") else None,
        "open_by_priority_age": _open(gateway, session, now) if may("tickets.read") else None,
        "roster_gaps": gateway.call(session, "GET", "/inventory/roster/gaps", params={
            "from": now.isoformat(), "to": (now + timedelta(days=7)).isoformat()})
        if may("roster.read") else None,
        "milestones": gateway.call(session, "GET", "/billing/milestones") if may("billing.read") else None,
        "damages_proposed": _proposed(gateway, session, now) if may("billing.read") else None,
        "sms": gateway.call(session, "GET", "/notify/quota") if may("notifications.read") else None,
        "sms_failed": _failed(gateway, session, now) if may("notifications.read") else None,
    }
    names = [k for k, v in parts.items() if v is not None]
    answers = await asyncio.gather(*(_unless_refused(parts[k]) for k in names))
    got = dict(zip(names, answers, strict=True))
    milestones = got.pop("milestones", None)
    figures = Figures(tenant=session.tenant, **got)
    if milestones is not None:
        figures.milestones_due = [m for m in milestones if m["status"] in ("payable", "invoice_needed")]
        figures.milestones_overdue = [m for m in milestones if m["status"] == "past_due"]
    return figures


async def gather_for(gateway, session: Session, tenant: str) -> Figures:
    """The figures of another tenant the person holds (the token names every one)."""
    return await gather(gateway, replace(session, tenant=tenant))


async def _unless_refused(call):
    try:
        return await call
    except ApiError as exc:
        if exc.status in (403, 404, 422):  # not theirs to read, or not configured for the tenant
            return None
        raise


async def _count(gateway, session: Session, **params) -> int:
    page = await gateway.call(session, "GET", "/ticketing/tickets", params={"limit": 1, **params})
    return page["total"]


async def _rounds(gateway, session: Session, now: datetime) -> dict[str, int]:
    start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    page = await gateway.call(session, "GET", "/ticketing/inspections/rounds", params={
        "from": start.isoformat(), "to": (start + timedelta(days=1)).isoformat(), "limit": 200})
    due = sum(r["state"] == "upcoming" and datetime.fromisoformat(r["due_at"]) <= now for r in page["items"])
    counts = page.get("counts", {})
    return {"done": counts.get("recorded", 0) + counts.get("made_up", 0), "due": due,
            "later": counts.get("upcoming", 0) - due, "missed": counts.get("missed", 0)}


async def _open(gateway, session: Session, now: datetime) -> dict[str, dict[str, int]]:
    async def one(priority: str, upper: int | None, lower: int) -> int:
        params: list[tuple[str, str]] = [("status", s) for s in OPEN]
        params += [("priority", priority), ("created_to", (now - timedelta(days=lower)).isoformat())]
        if upper is not None:
            params.append(("created_from", (now - timedelta(days=upper)).isoformat()))
        params.append(("limit", "1"))
        return (await gateway.call(session, "GET", "/ticketing/tickets", params=params))["total"]

    cells = [(p, key, low, high) for p in PRIORITIES for key, low, high in AGES]
    counts = await asyncio.gather(*(one(p, high, low) for p, _, low, high in cells))
    out: dict[str, dict[str, int]] = {p: {} for p in PRIORITIES}
    for (p, key, _, _), n in zip(cells, counts, strict=True):
        out[p][key] = n
    return out


async def _proposed(gateway, session: Session, now: datetime) -> tuple[int, dict]:
    statement = await gateway.call(session, "GET", "/billing/statement", params={
        "from": month_start(now).date().isoformat(), "to": now.date().isoformat()})
    proposed = [d for d in statement["damages"] if d["state"] == "proposed"]
    return len(proposed), statement["totals"]["damages"].get(
        "proposed", {"value": "0.00", "figures": "¥0.00", "capitals": "零元整"})


async def _failed(gateway, session: Session, now: datetime) -> int:
    page = await gateway.call(session, "GET", "/notify/notifications", params={
        "status": "failed", "from": month_start(now).isoformat(), "limit": 1})
    return page["total"]


def amount_sum(milestones: list[dict]) -> Decimal:
    return sum((value(m["outstanding"]) for m in milestones), Decimal(0))
