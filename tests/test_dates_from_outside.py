"""The requests that broke a tenant with a year-1 or year-9999 date, or a time without an
offset (issue: hardening, dates from outside): each is refused with a 422 naming the span,
or read as Asia/Shanghai, and the tenant's ledger keeps answering."""

import uuid

import pytest
from opspact.testing.plugin import auth
from opspact.testing.probes import query

MANAGER = auth("xinjiang", "vendor_manager")
SPAN = "2000-01-01 … 2100-12-31"


@pytest.mark.parametrize(("method", "path", "kwargs", "headers"), [
    ("post", "/api/billing/assessments",
     {"json": {"period": "x", "passed": True, "occurred_at": "0001-01-01T00:00:00Z"}}, MANAGER),
    ("get", "/api/inventory/on-duty", {"params": {"at": "9999-12-31T23:59:59-14:00"}}, MANAGER),
    ("get", "/api/billing/late-interest", {"params": {"as_of": "9999-12-31"}},
     auth("xinjiang", "finance")),
    ("post", "/api/billing/payments", {"json": {
        "milestone": "first", "amount": "1.00", "received_on": "0001-01-01", "reference": "x"}},
     auth("xinjiang", "finance")),
    ("post", "/api/inventory/credentials/none/rotations",
     {"json": {"rotated_at": "0001-01-01T00:00:00Z"}}, MANAGER),
])
def test_dates_outside_the_span_are_refused(gateway, method, path, kwargs, headers):
    r = getattr(gateway, method)(path, headers=headers, **kwargs)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert SPAN in r.json()["detail"] or SPAN in r.text


def test_a_drill_in_year_one_is_refused(gateway):
    plans = gateway.get("/api/ticketing/emergency-plans", headers=MANAGER).json()["items"]
    r = gateway.post(f"/api/ticketing/emergency-plans/{plans[0]['id'] if plans else 1}/drills",
                     headers=MANAGER, json={"held_on": "0001-01-01", "participants": ["张工"],
                                            "scenario": "断网演练", "outcome": "passed"})
    assert r.status_code == 422 and SPAN in r.text, r.text


def test_an_assessment_without_offset_is_shanghai_time_and_the_ledger_still_answers(stack, gateway):
    period = f"t-{uuid.uuid4().hex[:6]}"
    r = gateway.post("/api/billing/assessments", headers=MANAGER, json={
        "period": period, "passed": True, "occurred_at": "2025-04-01T10:00:00"})
    assert r.status_code == 201, r.text
    [row] = query(stack, "SELECT occurred_at, data FROM billing.damage_inputs "
                         "WHERE data->>'period' = $1", period)
    assert row["occurred_at"].isoformat() == "2025-04-01T02:00:00+00:00"  # 10:00 Shanghai
    for path in ("/api/billing/ledger", "/api/billing/contract"):
        assert gateway.get(path, headers=MANAGER).status_code == 200, path


def test_a_stored_time_without_offset_is_read_as_shanghai(stack, gateway):
    """Rows written before the fix (a naive time in the stored event) must not break the
    tenant's re-assessment: every value read back is timezone-aware."""
    period = f"old-{uuid.uuid4().hex[:6]}"
    event_id = uuid.uuid4().hex
    query(stack, "INSERT INTO billing.damage_inputs (tenant_id, event_id, type, occurred_at, data) "
                 "VALUES ('xinjiang', $1, 'billing.assessment.recorded.v1', now(), "
                 "jsonb_build_object('period', $2::text, 'passed', true, "
                 "'occurred_at', '2025-05-01T10:00:00'))", event_id, period)
    r = gateway.post("/api/billing/assessments", headers=MANAGER, json={
        "period": period + "-b", "passed": True, "occurred_at": "2025-05-02T10:00:00+08:00"})
    assert r.status_code == 201, r.text


def test_simulate_with_and_without_offsets(gateway):
    events = [{"id": "a", "type": "ticketing.sla.breached.v1", "time": "2025-03-01T10:00:00+08:00",
               "data": {"ticket_id": "ta", "clock": "resolution"}},
              {"id": "b", "type": "ticketing.sla.breached.v1", "time": "2025-03-02T10:00:00",
               "data": {"ticket_id": "tb", "clock": "resolution"}}]
    r = gateway.post("/api/billing/simulate", headers=MANAGER,
                     json={"events": events, "with_recorded": False})
    assert r.status_code == 200, r.text
    assert len(r.json()["entries"]) == 2


@pytest.mark.parametrize("dry_run", [True, False])
def test_an_import_in_year_one_is_refused_dry_or_not(stack, gateway, dry_run):
    run = uuid.uuid4().hex[:6]
    text = ("import_id,system,title,created_at,priority,channel\n"
            f"{run},smart-station,远古工单,0001-01-01 10:00,p3,hotline\n")
    r = gateway.post("/api/ticketing/tickets/import", params={"dry_run": dry_run},
                     content=text.encode(), headers={**auth("zhuhai", "vendor_manager"),
                                                     "Content-Type": "text/csv"})
    assert r.status_code == 422 and SPAN in r.text, r.text
    assert query(stack, "SELECT count(*) AS n FROM ticketing.tickets WHERE external_id = $1",
                 run)[0]["n"] == 0
