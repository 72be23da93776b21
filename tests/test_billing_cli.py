"""`opspact billing schedule | simulate` against the running stack."""

import json

import pytest
from opspact.cli.main import main as cli


@pytest.fixture
def url(stack, monkeypatch):
    monkeypatch.setenv("OPSPACT_URL", stack.url("gateway"))
    monkeypatch.delenv("OPSPACT_TOKEN", raising=False)


def test_schedule_prints_figures_capitals_and_due_dates(url, capsys):
    assert cli(["billing", "schedule", "--tenant", "zhuhai"]) == 0
    out = capsys.readouterr().out
    # 万位 0 before a non-zero 千位: 零 is optional (会计基础工作规范 第五十二条); cn2an omits it
    assert "¥708,000.00（柒拾万捌仟元整）" in out
    assert "¥72,000.00" in out and "柒万贰仟元整" in out and "2023-11-23" in out
    assert cli(["billing", "schedule", "--tenant", "beijing"]) == 0
    assert "乙方名称不一致" in capsys.readouterr().out


def test_simulate_late_inspections_for_zhuhai(url, tmp_path, capsys):
    path = tmp_path / "events.jsonl"
    path.write_text("\n".join(json.dumps(e, ensure_ascii=False) for e in [
        {"id": "r1", "type": "ticketing.inspection.missed.v1", "time": "2024-05-01T09:00:00+08:00",
         "data": {"item": "round-1", "due_at": "2024-05-01T08:00:00+08:00"}},
        {"id": "r2", "type": "ticketing.inspection.made_up.v1", "time": "2024-05-08T09:00:00+08:00",
         "data": {"item": "round-1", "done_at": "2024-05-07T09:00:00+08:00"}},
    ]) + "\n", encoding="utf-8")
    assert cli(["billing", "simulate", "--tenant", "zhuhai", str(path), "--alone"]) == 0
    out = capsys.readouterr().out
    # due 05-01, done 05-07: late 6 days by date → 6 × 0.3 % × 708,000
    assert "¥12,744.00" in out and "超过5天" in out and "termination right" in out
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{not json\n", encoding="utf-8")
    assert cli(["billing", "simulate", "--tenant", "zhuhai", str(bad)]) == 1
    assert "bad.jsonl:1" in capsys.readouterr().err


def test_statement_in_figures_and_capitals_with_a_workbook(url, tmp_path, capsys):
    book = tmp_path / "statement.xlsx"
    assert cli(["billing", "statement", "--tenant", "xinxiang", "--from", "2025-01-01",
                "--xlsx", str(book)]) == 0
    out = capsys.readouterr().out
    assert "对账单 2025-01-01 至" in out and "期末净应收" in out and "¥711,880.00" in out
    assert book.read_bytes()[:2] == b"PK"  # a zip: the XLSX container
    assert cli(["billing", "statement", "--tenant", "xinxiang", "--from", "2025-02-01",
                "--to", "2025-01-01"]) == 1
    assert "before" in capsys.readouterr().err
