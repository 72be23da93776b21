"""beijing 三2(4)/(5): the repair register. A repair up to ¥10,000 (inclusive) is the
vendor's, one above it the client's — all of it, not the part above ¥10,000; consumables
and the manufacturer's on-site work are always the vendor's. Totals per party and
contract year; in the statement; `opspact billing repair` answers who pays."""

from __future__ import annotations

import io
import uuid

import pytest
from openpyxl import load_workbook
from opspact.cli.main import main as cli
from opspact.testing.plugin import auth
from opspact.testing.probes import query

API = "/api/billing/repairs"
MANAGER = auth("beijing", "vendor_manager")


def repair(gateway, reference: str, amount: str, kind: str = "parts", **extra):
    return gateway.post(API, headers=MANAGER, json={
        "reference": reference, "asset_code": "srv-app-01", "parts": "硬盘 1.2T SAS ×2",
        "kind": kind, "amount": amount, "repaired_on": "2026-07-15", **extra})


@pytest.mark.parametrize(("amount", "kind", "party", "words"), [
    ("10000.00", "parts", "vendor", "不超过 ¥10,000.00（含）"),
    ("10000.01", "parts", "client", "全部由甲方承担"),
    ("12000.00", "parts", "client", "全部由甲方承担"),
    ("50000.00", "manufacturer", "vendor", "无论金额"),
])
def test_who_pays_under_the_clause(gateway, amount, kind, party, words):
    r = gateway.get(f"{API}/split", headers=auth("beijing", "finance"),
                    params={"amount": amount, "kind": kind})
    assert r.status_code == 200, r.text
    split = r.json()
    assert split["borne_by"] == party and words in split["reason"], split
    assert ("单次不超过 10000 元 (含)" if kind == "parts" else "低值耗材") in split["clause"]


def test_the_register_with_totals_per_party_and_year(stack, gateway):
    run = uuid.uuid4().hex[:6]
    small = repair(gateway, f"WX-{run}-1", "8000.00", ticket_number="T2026-000001")
    assert small.status_code == 201, small.text
    assert (small.json()["borne_by"], small.json()["contract_year"]) == ("vendor", 1)
    big = repair(gateway, f"WX-{run}-2", "15000.00")
    assert big.status_code == 201 and big.json()["borne_by"] == "client"  # ¥15,000, not ¥5,000
    again = repair(gateway, f"WX-{run}-2", "15000.00")
    assert again.status_code == 200 and again.json()["id"] == big.json()["id"]
    other = repair(gateway, f"WX-{run}-2", "16000.00")
    assert other.status_code == 409 and "other facts" in other.json()["detail"]

    page = gateway.get(API, headers=auth("beijing", "auditor"), params={"contract_year": 1}).json()
    mine = [i for i in page["items"] if i["reference"].startswith(f"WX-{run}")]
    assert len(mine) == 2
    [year] = page["by_year"]
    assert year["contract_year"] == 1 and year["repairs"] >= 2
    totals = query(stack, "SELECT borne_by, sum(amount) AS total FROM billing.repairs "
                          "WHERE tenant_id = 'beijing' AND contract_year = 1 GROUP BY 1")
    assert {r["borne_by"]: f"{r['total']:.2f}" for r in totals} == {
        "vendor": year["vendor"]["value"], "client": year["client"]["value"]}
    assert gateway.get(API, headers=MANAGER, params={"borne_by": "client"}).json()["total"] >= 1

    statement = gateway.get("/api/billing/statement", headers=auth("beijing", "finance"),
                            params={"from": "2026-07-01", "to": "2026-07-31"}).json()
    assert f"WX-{run}-2" in [r["reference"] for r in statement["repairs"]]
    assert set(statement["totals"]["repairs"]) == {"vendor", "client"}
    book = gateway.get("/api/billing/statement/export", headers=auth("beijing", "finance"),
                       params={"from": "2026-07-01", "to": "2026-07-31"})
    sheet = load_workbook(io.BytesIO(book.content))["维修"]
    assert any(row[1] == f"WX-{run}-2" and row[5] == "甲方" for row in sheet.iter_rows(values_only=True))


@pytest.mark.parametrize(("tenant", "body", "words"), [
    ("beijing", {"amount": "-1"}, "amount"),
    ("beijing", {"amount": "1.001"}, "amount"),
    ("beijing", {"repaired_on": "2099-01-01"}, "future"),
    ("beijing", {"kind": "labour"}, "kind"),
    ("beijing", {"ticket_number": "12345"}, "ticket_number"),
    ("beijing", {"reference": ""}, "reference"),
    ("zhuhai", {}, "no repair_split"),
])
def test_bad_repairs_are_refused_and_nothing_is_written(stack, gateway, tenant, body, words):
    before = query(stack, "SELECT count(*) AS n FROM billing.repairs")[0]["n"]
    r = gateway.post(API, headers=auth(tenant, "vendor_manager"), json={
        "reference": f"BAD-{uuid.uuid4().hex[:6]}", "asset_code": "srv-app-01", "parts": "主板",
        "amount": "100.00", "repaired_on": "2026-07-15", **body})
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json") and words in r.text
    assert query(stack, "SELECT count(*) AS n FROM billing.repairs")[0]["n"] == before
    viewer = gateway.post(API, headers=auth("beijing", "client_viewer"), json={})
    assert viewer.status_code == 403


def test_the_cli_answers_who_pays(stack, capsys, monkeypatch):
    monkeypatch.setenv("OPSPACT_URL", stack.url("gateway"))
    assert cli(["billing", "repair", "--tenant", "beijing", "--amount", "12000"]) == 0
    out = capsys.readouterr().out
    assert "¥12,000.00（壹万贰仟元整）由甲方承担" in out and "超过 10000 元 的由甲方承担" in out
    assert cli(["billing", "repair", "--tenant", "beijing", "--amount", "300", "--kind",
                "consumables", "--json"]) == 0
    assert '"borne_by": "vendor"' in capsys.readouterr().out
    assert cli(["billing", "repair", "--tenant", "zhuhai", "--amount", "300"]) == 1


def test_the_monthly_report_shows_the_months_repairs_and_who_bore_them(gateway):
    run = uuid.uuid4().hex[:6]
    assert repair(gateway, f"RPT-{run}", "23000.00", repaired_on="2026-08-12").status_code == 201
    r = gateway.get("/api/ticketing/reports/monthly", headers=MANAGER, params={"period": "2026-08"})
    assert r.status_code == 200, r.text
    money = next(s for s in r.json()["sections"] if s["heading"].endswith("付款节点与违约金"))
    table = next(t for t in money["tables"] if t["caption"].endswith("维修费用"))
    assert ["2026-08-12", "srv-app-01", "硬盘 1.2T SAS ×2", "¥23,000.00", "甲方"] in [
        row[:5] for row in table["rows"]]
    assert any("本期维修1项：乙方承担¥0.00，甲方承担¥23,000.00" in p for p in money["paragraphs"])
