"""The demo year (`opspact demo load`): zhuhai's contract lived through on a stack of its
own (the shared stack's tenants stay as other tests expect them), then its figures
checked against each other — the report's SLA attainment recomputed from the tickets,
billing's ledger from the breaches ticketing announced, the statement from the payments —
and a second load shown to change nothing."""

import asyncio
import time as timer
from collections import Counter
from datetime import date, datetime, time

import httpx
import pytest
from inventory.people.coverage import gaps, required_windows
from opspact.cli.stack import repo_root
from opspact.demo import faults, people
from opspact.demo.loader import load, tenant_document
from opspact.demo.period import of
from opspact.testing.demo import stack_with_demo_year
from opspact.testing.plugin import auth
from ticketing.tickets.importer import ImportRow

TENANTS = repo_root() / "deploy" / "tenants"
TENANT = "zhuhai"
MONTH = ("2024-10", "2024-10-01", "2024-11-01")  # the last whole month of zhuhai's term


def zhuhai_year():
    return of(tenant_document(TENANTS, TENANT), date(2023, 11, 9), date(2024, 11, 8))


# -- the history itself, before any service sees it --------------------------------------

def test_the_same_seed_gives_the_same_year_and_another_seed_another():
    period = zhuhai_year()
    engineers, shifts = people.engineers(period), people.shifts(period)
    now = datetime.fromisoformat("2026-12-01T12:00:00+08:00")
    first = faults.rows(period, engineers, shifts, 1, now)
    assert first == faults.rows(period, engineers, shifts, 1, now)
    assert first != faults.rows(period, engineers, shifts, 2, now)
    # a plausible year: a few hundred faults, mostly in working hours, on every system
    assert 300 < len(first) < 1200
    hours = Counter(datetime.fromisoformat(r["created_at"]).hour for r in first)
    assert sum(hours[h] for h in range(9, 18)) > 0.6 * len(first)
    assert {r["system"] for r in first} == {s["code"] for s in period.settings("ticketing")["systems"]}
    assert sum(r["channel"] == "hook" for r in first) >= 18  # the monitors' storms
    for row in first:  # every row is one the import accepts
        ImportRow.model_validate({k: v for k, v in row.items() if v != ""})


def test_the_roster_covers_every_post_as_inventory_counts_coverage():
    period = zhuhai_year()
    shifts = people.shifts(period)
    for post in period.settings("inventory")["posts"]:
        hours = tuple(time.fromisoformat(t) for t in post.get("hours", "09:00-17:00").split("-"))
        windows = required_windows(post["coverage"], hours, period.calendar,
                                   datetime.fromisoformat("2023-11-09T00:00:00+08:00"), period.end)
        mine = [(s.starts_at, s.ends_at) for s in shifts if s.post == post["code"]]
        assert mine and not gaps(post["code"], post["headcount"], windows, mine)
    # nobody is on two shifts at once
    by_person: dict[str, list] = {}
    for s in shifts:
        by_person.setdefault(s.staff, []).append((s.starts_at, s.ends_at))
    for spans in by_person.values():
        spans.sort()
        assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:], strict=False))


# -- loaded through the services ---------------------------------------------------------

@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    started = timer.perf_counter()
    with stack_with_demo_year(tmp_path_factory.mktemp("demo-stack"), TENANT) as (stack, first):
        print(f"\nzhuhai's demo year loaded in {timer.perf_counter() - started:.1f} s (with its stack): "
              f"{first.counts}")
        with httpx.Client(base_url=stack.url("gateway"), timeout=60,
                          headers={**auth(TENANT, "vendor_manager"), "X-OpsPact-Tenant": TENANT}) as client:
            yield stack, client, first


def pages(client, path: str, **params) -> list[dict]:
    found, offset = [], 0
    while True:
        page = client.get(path, params={**params, "limit": 200, "offset": offset}).json()
        found += page["items"]
        offset += 200
        if offset >= page["total"]:
            return found


def test_every_part_of_the_year_was_created(loaded):
    _, _, summary = loaded
    assert (summary.first, summary.last) == (date(2023, 11, 9), date(2024, 11, 8))
    parts = ("staff", "shifts", "attendance", "tickets", "rounds", "worklog", "articles", "changes", "money")
    assert [p for p in parts if not summary.counts.get(p)] == []


def test_the_months_attainment_is_what_its_tickets_clocks_say(loaded):
    _, client, _ = loaded
    code, first, end = MONTH
    report = client.get("/api/ticketing/reports/monthly", params={"period": code})
    assert report.status_code == 200, report.text
    numbers = report.json()["numbers"]
    tickets = pages(client, "/api/ticketing/tickets", created_from=first, created_to=end)
    assert numbers["tickets"] == len(tickets) > 10
    clocks = [c for t in tickets for c in t["sla"]]
    breached = sum(c["state"] == "breached" or c["breached_at"] is not None for c in clocks)
    met = sum(c["state"] == "met" and c["breached_at"] is None for c in clocks)
    assert (numbers["sla_due"], numbers["sla_met"], numbers["sla_breached"]) == (
        met + breached, met, breached)
    assert met > 10 * breached  # most within their clocks
    assert numbers["rounds"] == numbers["rounds_recorded"] + numbers["rounds_made_up"] > 28
    assert numbers["rounds_missed"] == 0 and numbers["worklog"] >= 4


def test_the_ledger_holds_exactly_the_late_work_ticketing_announced(loaded):
    """Zhuhai's late-work rule counts every breached clock and every round made up late:
    the ledger's entries are exactly those, each dated when it happened (a round of 2024
    recorded today is 2024's late work), and the term's statement sums them."""
    _, client, _ = loaded
    breached = pages(client, "/api/ticketing/tickets", breached="true")
    total = client.get("/api/ticketing/tickets", params={"limit": 1}).json()["total"]
    assert 3 <= len(breached) < 0.05 * total  # some, not many
    made_up = pages(client, "/api/ticketing/inspections/rounds", **{"from": "2023-11-09", "to": "2024-11-09"},
                    state="made_up")
    assert made_up
    clocks = {f"late-work:sla:{t['id']}:{c['clock']}" for t in breached for c in t["sla"] if c["breached_at"]}
    expected = clocks | {f"late-work:inspection:{r['round']}" for r in made_up}

    def entries() -> dict[str, dict]:
        return {e["key"]: e for e in pages(client, "/api/billing/ledger")}
    deadline = timer.monotonic() + 60
    while set(entries()) != expected and timer.monotonic() < deadline:
        timer.sleep(1)  # billing takes the announced history in through Kafka
    found = entries()
    assert set(found) == expected
    assert all("2023-11-08" < e["occurred_at"][:10] < "2024-11-20" for e in found.values())
    proposed = sum(float(e["amount"]["value"]) for e in found.values())
    statement = client.get("/api/billing/statement", params={"from": "2023-11-09", "to": "2024-12-31"}).json()
    assert proposed > 0
    assert float(statement["totals"]["damages"]["proposed"]["value"]) == pytest.approx(proposed)


def test_history_texted_nobody(loaded):
    _, client, _ = loaded
    for event_type in ("ticketing.sla.breached.v1", "ticketing.sla.stopped_late.v1"):
        sent = client.get("/api/notify/notifications", params={"source_event_type": event_type, "limit": 1})
        assert sent.status_code == 200, sent.text
        assert sent.json()["total"] == 0, event_type


def test_the_milestones_were_invoiced_and_paid_and_the_late_one_bears_interest(loaded):
    _, client, _ = loaded
    milestones = client.get("/api/billing/milestones").json()
    assert [m["code"] for m in milestones if m["paid"]["value"] != m["amount"]["value"]] == []
    statement = client.get("/api/billing/statement", params={"from": "2023-11-09", "to": "2024-12-31"}).json()
    assert statement["totals"]["received"]["value"] == statement["contract_value"]["value"]
    late = statement["late_interest"]["items"]
    assert [(i["milestone"], i["days_late"]) for i in late] == [("first", 25)]
    assert float(statement["late_interest"]["total"]["value"]) == 72000 * 0.0001 * 25


def test_attendance_was_kept_for_the_rostered_shifts(loaded):
    _, client, _ = loaded
    _, first, end = MONTH
    report = client.get("/api/inventory/attendance/report", params={"from": first, "to": end}).json()
    shifts = report["shifts"]
    assert len(shifts) > 40 and sum(not s["absent"] for s in shifts) > 0.9 * len(shifts)


def test_the_months_report_is_archived_with_the_loaded_figures(loaded):
    _, client, _ = loaded
    archived = client.post("/api/ticketing/report-archive", json={"kind": "monthly", "period": MONTH[0]},
                           timeout=300)
    assert archived.status_code in (200, 201), archived.text
    assert {f["format"] for f in archived.json()["files"]} >= {"pdf", "docx"}


def test_loading_again_changes_nothing(loaded):
    stack, client, _ = loaded
    before = client.get("/api/ticketing/tickets", params={"limit": 1}).json()["total"]
    again = asyncio.run(load(TENANT, base_url=stack.url("gateway"), tenants_dir=TENANTS, reports=False))
    assert {part: n for part, n in again.counts.items() if n} == {}
    assert client.get("/api/ticketing/tickets", params={"limit": 1}).json()["total"] == before
