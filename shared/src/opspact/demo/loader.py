"""Sends a tenant's demo year through the gateway, as the people of the contract would
have: the manager registers the staff and the roster, the door system's attendance is
imported, the year's tickets are imported with their breaches announced as history
(billing's ledger counts them, notify texts nobody), the rounds are recorded, the work
log written, the knowledge base filled, changes put through the approval chain, the
milestones invoiced and paid, and the reports of ended periods published.

Loading twice changes nothing: staff that exist are skipped (409), attendance, tickets
and rounds are idempotent by their natural keys, and the parts that are not (shifts, work
log, articles, changes, money) are skipped when the tenant already has them."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import yaml

from opspact.calendar import SHANGHAI
from opspact.cli.common import ApiError, bearer_for
from opspact.demo import faults, money, people, work
from opspact.demo.period import Period, csv_files, of

SUBJECT = "demo-loader"
MANAGER_ROLES = ["vendor_manager"]
PARALLEL = 6  # requests in flight: enough to keep two cores busy, few enough to stay polite
REPORT_KINDS = ("monthly", "quarterly", "half_yearly", "annual")  # weekly ones: on demand
# background work: two at a time leaves the report process to the people using the API
REPORTS_AT_ONCE = 2


@dataclass
class Summary:
    tenant: str
    first: date | None = None
    last: date | None = None
    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    def add(self, part: str, count: int, started: float) -> None:
        self.counts[part] = self.counts.get(part, 0) + count
        self.seconds[part] = round(self.seconds.get(part, 0) + time.perf_counter() - started, 2)


class Api:
    """The gateway, as one person of the tenant."""

    def __init__(self, client: httpx.AsyncClient, tenant: str) -> None:
        self.client, self.tenant = client, tenant
        self.gate = asyncio.Semaphore(PARALLEL)

    async def call(self, method: str, path: str, *, roles=None, subject: str = SUBJECT,
                   ok: tuple[int, ...] = (), **kwargs) -> httpx.Response:
        headers = {**bearer_for(self.tenant, roles or MANAGER_ROLES, subject), **kwargs.pop("headers", {})}
        async with self.gate:
            response = await self.client.request(method, path, headers=headers, **kwargs)
        if response.status_code >= 400 and response.status_code not in ok:
            try:
                detail = response.json().get("detail", response.text)
            except ValueError:
                detail = response.text[:300]
            raise ApiError(response.status_code, f"{method} {path}: {detail}")
        return response

    async def pages(self, path: str, params: dict, limit: int = 200) -> list[dict]:
        found, offset = [], 0
        while True:
            page = (await self.call("GET", path, params={**params, "limit": limit, "offset": offset})).json()
            found += page["items"]
            offset += limit
            if offset >= page["total"]:
                return found


def tenant_document(tenants_dir: Path, tenant: str) -> dict[str, Any]:
    return yaml.safe_load((tenants_dir / f"{tenant}.yaml").read_text(encoding="utf-8"))


async def _term(api: Api, until: date) -> tuple[date, date] | None:
    """(first day, last day of the term)."""
    """The term as billing holds it. A term that starts with an event (wuqia: one year from
    acceptance) gets the delivery and that event recorded on time — 45 and 55 days after
    signing, inside wuqia's 60 — the first time."""
    contract = (await api.call("GET", "/api/billing/contract")).json()
    term = contract["term"]
    if not term.get("start") and term.get("starts_with") and contract.get("signed_on"):
        signed = date.fromisoformat(contract["signed_on"])
        for kind, days in (("delivery", 45), (term["starts_with"], 55)):
            if kind not in contract["recorded_dates"] and signed + timedelta(days=days) <= until:
                await api.call("PUT", f"/api/billing/contract-dates/{kind}", json={
                    "on": (signed + timedelta(days=days)).isoformat(), "evidence": "演示数据（占位）"})
        term = await _recorded_term(api)
    if not term.get("start"):
        return None
    return date.fromisoformat(term["start"]), date.fromisoformat(term["end"])


async def _recorded_term(api: Api) -> dict:
    for _ in range(100):  # the other services learn the date from billing's event
        term = (await api.call("GET", "/api/billing/contract")).json()["term"]
        catalogue = await api.call("GET", "/api/ticketing/reports", ok=(422,))  # 422 until ticketing knows
        if term.get("start") and catalogue.status_code == 200:
            return term
        await asyncio.sleep(0.2)
    return term


async def _staff(api: Api, period: Period, summary: Summary) -> None:
    started = time.perf_counter()
    made = 0
    for body in people.staff_bodies(period):
        response = await api.call("POST", "/api/inventory/staff", json=body, ok=(409,))
        made += response.status_code == 201
    summary.add("staff", made, started)


async def _roster(api: Api, period: Period, rostered: list[people.Shift], seed: int, now: datetime,
                  summary: Summary) -> None:
    started = time.perf_counter()
    params = {"from": period.first.isoformat(), "to": (period.last + timedelta(days=1)).isoformat()}
    existing = (await api.call("GET", "/api/inventory/roster/shifts", params=params)).json()
    if not existing and rostered:
        for n in range(0, len(rostered), 2000):
            await api.call("POST", "/api/inventory/roster/shifts",
                           json={"shifts": [s.body() for s in rostered[n:n + 2000]]})
        summary.add("shifts", len(rostered), started)
    started = time.perf_counter()
    imported = 0
    for raw in people.attendance_csv(period, [s for s in rostered if s.ends_at <= now], seed):
        outcome = (await api.call("POST", "/api/inventory/attendance/import", content=raw,
                                  headers={"Content-Type": "text/csv"})).json()
        imported += outcome["imported"]
    summary.add("attendance", imported, started)


async def _tickets(api: Api, rows: list[dict], summary: Summary) -> int:
    started = time.perf_counter()
    created = 0
    for raw in csv_files(faults.COLUMNS, rows, per_file=1000):
        report = (await api.call("POST", "/api/ticketing/tickets/import", content=raw,
                                 params={"announce_breaches": "true"},
                                 headers={"Content-Type": "text/csv"}, timeout=600)).json()
        created += report["created"]
    summary.add("tickets", created, started)
    return created


async def _rounds(api: Api, period: Period, last: date, engineers: list[people.Engineer], seed: int,
                  now: datetime, summary: Summary) -> None:
    """Every round from the term's start through `last` (today's, for a running contract,
    as far as they are done by now)."""
    started = time.perf_counter()
    planned = await api.pages("/api/ticketing/inspections/rounds", {
        "from": period.first.isoformat(), "to": (last + timedelta(days=1)).isoformat()})
    rng = period.rng(seed, "rounds")
    checklists: dict[str, list[dict]] = {}
    sends = []
    for n, round_ in enumerate(planned):
        if round_["state"] in ("recorded", "made_up"):
            continue
        if round_["schedule"] not in checklists:
            detail = (await api.call("GET", f"/api/ticketing/inspections/rounds/{round_['round']}")).json()
            checklists[round_["schedule"]] = detail["items"]
        record = work.round_record(rng, round_, checklists[round_["schedule"]],
                                   engineers[n % len(engineers)].code, now)
        if record is not None:
            sends.append(api.call("PUT", f"/api/ticketing/inspections/rounds/{round_['round']}", json=record))
    await asyncio.gather(*sends)
    summary.add("rounds", len(sends), started)


async def _worklog_and_knowledge(api: Api, period: Period, engineers, seed: int, now: datetime,
                                 summary: Summary) -> None:
    started = time.perf_counter()
    logged = (await api.call("GET", "/api/ticketing/worklog", params={"limit": 1})).json()["total"]
    entries = [] if logged else work.worklog(period, engineers, seed, now)
    await asyncio.gather(*(api.call("POST", "/api/ticketing/worklog", json=e) for e in entries))
    summary.add("worklog", len(entries), started)
    started = time.perf_counter()
    known = (await api.call("GET", "/api/ticketing/knowledge", params={"limit": 1})).json()["total"]
    written = [] if known else work.articles(period)
    for article in written:
        await api.call("POST", "/api/ticketing/knowledge", json=article)
    summary.add("articles", len(written), started)


async def _changes(api: Api, period: Period, now: datetime, summary: Summary) -> None:
    started = time.perf_counter()
    if (await api.call("GET", "/api/ticketing/changes", params={"limit": 1})).json()["total"]:
        return
    planned = work.changes(period, now)
    for n, body in enumerate(planned):
        change = (await api.call("POST", "/api/ticketing/changes", json=body,
                                 headers={"Idempotency-Key": f"demo-{period.tenant}-change-{n}"})).json()
        if n == 0:  # the first goes through every step of the chain; the second waits
            await _approve(api, change)
    summary.add("changes", len(planned), started)


async def _approve(api: Api, change: dict) -> None:
    chain = (await api.call("GET", "/api/ticketing/contract-terms")).json()["change_approval"]
    for step in chain:
        deciders = step.get("approvers") or [f"demo-{step['roles'][0]}"]
        await api.call("POST", f"/api/ticketing/changes/{change['id']}/decisions", roles=step["roles"][:1],
                       subject=deciders[0], json={"decision": "approve", "reason": "演示数据：同意实施"})


async def _money(api: Api, until: date, summary: Summary) -> None:
    started = time.perf_counter()

    async def read() -> tuple[dict, list[dict]]:
        return ((await api.call("GET", "/api/billing/contract")).json(),
                (await api.call("GET", "/api/billing/milestones")).json())

    contract, milestones = await read()
    recorded = money.dates_to_record(contract, milestones, until)
    for kind, on in recorded.items():
        await api.call("PUT", f"/api/billing/contract-dates/{kind}",
                       json={"on": on.isoformat(), "evidence": "演示数据（占位）"})
    contract, milestones = await read()
    issued = money.invoices(contract, milestones, until)
    for body in issued:
        await api.call("POST", "/api/billing/invoices", json=body)
    paid = money.payments((await read())[1], until)
    for body in paid:
        await api.call("POST", "/api/billing/payments", json=body)
    summary.add("money", len(recorded) + len(issued) + len(paid), started)


async def _reports(api: Api, last: date, summary: Summary) -> None:
    """Archive the monthly and longer reports of the periods ended by `last` (publishing
    is idempotent: an archived period is answered as it is)."""
    started = time.perf_counter()
    catalogue = await api.call("GET", "/api/ticketing/reports", ok=(422,))
    if catalogue.status_code == 422:  # no term yet
        return
    ended = [(p["kind"], p["code"]) for p in catalogue.json()["periods"]
             if p["kind"] in REPORT_KINDS and date.fromisoformat(p["last"]) <= last]
    gate = asyncio.Semaphore(REPORTS_AT_ONCE)

    async def publish(kind: str, code: str) -> None:
        async with gate:
            await api.call("POST", "/api/ticketing/report-archive", json={"kind": kind, "period": code},
                           timeout=600)
    await asyncio.gather(*(publish(k, c) for k, c in ended))
    summary.add("reports", len(ended), started)


async def publish_reports(tenant: str, *, base_url: str, until: date | None = None) -> Summary:
    until = until or (datetime.now(SHANGHAI).date() - timedelta(days=1))
    summary = Summary(tenant)
    async with httpx.AsyncClient(base_url=base_url, timeout=120) as client:
        api = Api(client, tenant)
        await _events_settled(api)
        await _reports(api, until, summary)
    return summary


async def load(tenant: str, *, base_url: str, tenants_dir: Path, seed: int = 1, until: date | None = None,
               reports: bool = True, scale: float = 1.0) -> Summary:
    now = datetime.now(SHANGHAI)
    until = until or (now.date() - timedelta(days=1))
    summary = Summary(tenant)
    async with httpx.AsyncClient(base_url=base_url, timeout=120) as client:
        api = Api(client, tenant)
        term = await _term(api, until)
        if term is None or term[0] > min(term[1], until):
            return summary
        document = tenant_document(tenants_dir, tenant)
        period = of(document, term[0], min(term[1], until))
        summary.first, summary.last = period.first, period.last
        engineers = people.engineers(period)
        # a running contract's roster is planned four weeks ahead, so someone is on duty today
        rostered = people.shifts(of(document, term[0], min(term[1], now.date() + timedelta(days=27))))
        await _staff(api, period, summary)
        await _roster(api, period, rostered, seed, now, summary)
        # arrivals end with the period; the work on them goes on as it would have, up to now
        await _tickets(api, faults.rows(period, engineers, rostered, seed, now, scale), summary)
        await _rounds(api, period, min(term[1], now.date()), engineers, seed, now, summary)
        await _worklog_and_knowledge(api, period, engineers, seed, now, summary)
        await _changes(api, period, now, summary)
        await _money(api, until, summary)
        if reports:
            await _events_settled(api)
            await _reports(api, period.last, summary)
    return summary


async def _events_settled(api: Api, seconds: float = 60) -> None:
    """Reports read billing's ledger and inventory's attendance: wait until billing has
    taken in what ticketing announced (its ledger stops changing)."""
    deadline, last = time.monotonic() + seconds, None
    while time.monotonic() < deadline:
        ledger = (await api.call("GET", "/api/billing/ledger", params={"limit": 1})).json()
        figure = ledger.get("total")
        if figure == last:
            return
        last = figure
        await asyncio.sleep(1.0)

