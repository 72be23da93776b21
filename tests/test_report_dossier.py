"""The report catalogue (which reports a contract requires, period by period) and
`opspact report get | dossier` against the running stack."""

from __future__ import annotations

import hashlib
import io
import json
import uuid
import zipfile
from datetime import date, datetime

import pytest
from docx import Document
from openpyxl import load_workbook
from opspact.calendar import SHANGHAI
from opspact.cli.main import main as cli
from opspact.testing.plugin import auth, token
from opspact.testing.probes import forget_recorded_term


@pytest.fixture
def url(stack, monkeypatch):
    monkeypatch.setenv("OPSPACT_URL", stack.url("gateway"))
    monkeypatch.delenv("OPSPACT_TOKEN", raising=False)


def test_catalogue_lists_the_contracts_reports_over_its_term(stack, gateway):
    r = gateway.get("/api/ticketing/reports", headers=auth("zhuhai", "vendor_manager"))
    assert r.status_code == 200, r.text
    catalogue = r.json()
    assert catalogue["kinds"] == ["weekly", "monthly", "quarterly", "half_yearly", "annual"]
    assert (catalogue["first"], catalogue["last"]) == ("2023-11-09", "2024-11-08")
    assert "季度报告" in catalogue["clause"]
    codes = {k: [p["code"] for p in catalogue["periods"] if p["kind"] == k] for k in catalogue["kinds"]}
    assert codes["weekly"][0] == "2023-W45" and codes["weekly"][-1] == "2024-W45"
    assert len(codes["weekly"]) == 53
    assert codes["monthly"] == ["2023-11", "2023-12"] + [f"2024-{m:02d}" for m in range(1, 12)]
    assert codes["quarterly"] == ["2023-Q4", "2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4"]
    assert codes["half_yearly"] == ["2023-H1", "2023-H2"]  # "按周、月、半年频率提供巡检报告"
    assert codes["annual"] == ["2023"]  # the service year 2023-11-09 – 2024-11-08, "2023年度"
    [year] = [p for p in catalogue["periods"] if p["kind"] == "annual"]
    assert (year["first"], year["last"]) == ("2023-11-09", "2024-11-08")
    assert year["label"] == "2023年度（2023年11月9日至2024年11月8日）"
    assert all(p["complete"] for p in catalogue["periods"])
    # beijing's term is running: nothing after today, the current week still open
    running = gateway.get("/api/ticketing/reports", headers=auth("beijing", "vendor_manager")).json()
    today = datetime.now(SHANGHAI).date().isoformat()
    assert all(p["first"] <= today for p in running["periods"])
    assert [p["complete"] for p in running["periods"] if p["kind"] == "weekly"][-1] is False
    # wuqia's term starts at acceptance: until it is recorded the span must be given
    forget_recorded_term(stack, "wuqia")
    r = gateway.get("/api/ticketing/reports", headers=auth("wuqia", "vendor_manager"))
    assert r.status_code == 422 and "自验收合格之日起一年" in r.json()["detail"]


def test_report_get_writes_the_file(url, tmp_path, capsys):
    out = tmp_path / "w.docx"
    assert cli(["report", "get", "weekly", "--tenant", "beijing", "--period", "2024-W02",
                "--out", str(out)]) == 0
    headings = [p.text for p in Document(str(out)).paragraphs if p.style.name.startswith("Heading")]
    assert headings[0] == "一、概况" and headings[-1].endswith("下周工作计划")
    assert cli(["report", "get", "weekly", "--tenant", "beijing", "--period", "2024-13"]) == 1
    assert "2025-W10" in capsys.readouterr().err


def _staff_with_training(gateway, tenant: str, on: str) -> str:
    code = f"dt-{uuid.uuid4().hex[:4]}"
    r = gateway.post("/api/inventory/staff", headers=auth(tenant, "vendor_manager"), json={
        "code": code, "name": "工程师甲", "role": "项目经理", "post": "day",
        "paperwork": {"security_trainings": [on]}})
    assert r.status_code == 201, r.text
    return code


def test_dossier_holds_every_report_ledger_and_index(url, gateway, tmp_path, capsys):
    code = _staff_with_training(gateway, "beijing", "2024-01-10")
    out = tmp_path / "pack.zip"
    assert cli(["report", "dossier", "--tenant", "beijing", "--from", "2024-01-08", "--to", "2024-01-21",
                "--out", str(out), "--json"]) == 0
    manifest = json.loads(capsys.readouterr().out)
    archive = zipfile.ZipFile(out)
    names = set(archive.namelist())
    assert {"00-目录.xlsx", "manifest.json", "01-周报/周报-2024-W02.docx", "01-周报/周报-2024-W03.docx",
            "02-年度报告/年度报告-2023.docx", "巡检台账.xlsx", "变更记录.xlsx", "人员配置表及培训记录.xlsx",
            "违约金及付款对账单.xlsx"} == names
    for entry in manifest["files"]:
        assert entry["error"] is None
        assert hashlib.sha256(archive.read(entry["name"])).hexdigest() == entry["sha256"]
    people = load_workbook(io.BytesIO(archive.read("人员配置表及培训记录.xlsx")))
    assert code in [row[0] for row in people["人员配置表"].iter_rows(min_row=2, values_only=True)]
    trainings = [row[:2] for row in people["培训记录"].iter_rows(min_row=2, values_only=True)]
    assert ("2024-01-10", code) in trainings
    index = load_workbook(io.BytesIO(archive.read("00-目录.xlsx")))["目录"]
    rows = list(index.iter_rows(min_row=2, values_only=True))
    assert len(rows) == len(manifest["files"]) and all(r[6] == "已生成" for r in rows)
    weekly = Document(io.BytesIO(archive.read("01-周报/周报-2024-W03.docx")))
    assert any(p.text.endswith("人员与考勤") for p in weekly.paragraphs)


def test_dossier_lists_what_its_maker_may_not_read(stack, monkeypatch, tmp_path, capsys):
    """A client viewer may read reports but not the contract's money: that part fails,
    the rest is written, the index says why, the command exits 1."""
    monkeypatch.setenv("OPSPACT_URL", stack.url("gateway"))
    monkeypatch.setenv("OPSPACT_TOKEN", token("beijing", "client_viewer"))
    out = tmp_path / "pack.zip"
    assert cli(["report", "dossier", "--tenant", "beijing", "--from", "2024-01-15", "--to", "2024-01-21",
                "--out", str(out)]) == 1
    assert "1 of" in capsys.readouterr().err
    archive = zipfile.ZipFile(out)
    assert "违约金及付款对账单.xlsx" not in archive.namelist()
    failed = [f for f in json.loads(archive.read("manifest.json"))["files"] if f["error"]]
    assert [f["name"] for f in failed] == ["违约金及付款对账单.xlsx"] and "billing.read" in failed[0]["error"]
    assert not list(tmp_path.glob("*.part"))


def test_dossier_needs_a_span(stack, url, capsys):
    forget_recorded_term(stack, "wuqia")  # acceptance not recorded: the term has no dates
    assert cli(["report", "dossier", "--tenant", "wuqia", "--term"]) == 1
    assert "pass from and to" in capsys.readouterr().err
    assert cli(["report", "dossier", "--tenant", "wuqia", "--from", date(2024, 1, 1).isoformat()]) == 1
    assert "--from with --to" in capsys.readouterr().err


def test_beijing_annual_summary_is_due_15_days_after_the_term(gateway):
    catalogue = gateway.get("/api/ticketing/reports", headers=auth("beijing", "vendor_manager"),
                            params={"from": "2026-05-29", "to": "2027-05-28"}).json()
    [year] = [p for p in catalogue["periods"] if p["kind"] == "annual"]
    assert (year["code"], year["last"], year["due_on"]) == ("2026", "2027-05-28", "2027-06-12")
    assert all(p["due_on"] is None for p in catalogue["periods"] if p["kind"] == "weekly")
