"""The contract as people look it up: every term the product enforces, each with its
clause — through each service's route and `opspact contract show`."""

from __future__ import annotations

import json

from opspact.cli.main import main as cli
from opspact.testing.plugin import auth


def test_billing_shows_the_money_terms_with_their_clauses(gateway):
    c = gateway.get("/api/billing/contract", headers=auth("zhuhai", "vendor_manager")).json()
    groups = c["line_items"]
    assert len(groups) == 8 and sum(len(g["items"]) for g in groups) == 42
    assert groups[0]["name"] == "基础设施维护" and groups[0]["amount"]["value"] == "113400.00"
    assert c["late_interest"]["basis"] == "overdue_per_day" and "万分之一" in c["late_interest"]["clause"]
    assert c["effective_on"] == "2023-11-09"
    beijing = gateway.get("/api/billing/contract", headers=auth("beijing", "vendor_manager")).json()
    assert beijing["repair_split"]["vendor_up_to"] == "10000.00"
    assert "超过 10000 元 的由甲方承担" in beijing["repair_split"]["clause"]


def test_ticketing_and_inventory_show_the_work_terms(gateway):
    t = gateway.get("/api/ticketing/contract-terms", headers=auth("xinjiang", "client_admin")).json()
    by_clock = {(k["clock"], k["while_status"]): k for k in t["clocks"]}
    on_site = by_clock[("on_site", None)]
    assert on_site["unless_on_site"] and "无现场值班人员" in on_site["clause"]
    assert by_clock[("resolution", None)]["stops_on"] == "effective_plan"
    assert by_clock[("resolution", "waiting_other_unit")]["target"] == "4h"
    assert [s["name"] for s in t["change_approval"]] == ["系统专管员", "科技信息化工作负责人"]
    assert t["inspections"][0]["clause"].startswith("乙方需建立每日系统服务巡检记录台账")
    zhuhai = gateway.get("/api/ticketing/contract-terms", headers=auth("zhuhai", "vendor_manager")).json()
    assert zhuhai["heightened_statutory_holidays"] and zhuhai["effort_budgets"][0]["name"] == "功能升级改造"
    posts = gateway.get("/api/inventory/contract-terms", headers=auth("xinjiang", "client_admin")).json()
    assert [(p["code"], p["headcount"]) for p in posts["posts"]] == [("hq", 3), ("finance-dept", 1),
                                                                    ("off-day-duty", 1)]


def test_contract_show_prints_every_term_or_json(stack, capsys, monkeypatch):
    monkeypatch.setenv("OPSPACT_URL", stack.url("gateway"))
    assert cli(["contract", "show", "--tenant", "beijing"]) == 0
    out = capsys.readouterr().out
    for needle in ("居住证信息系统运维服务合同", "付款节点", "维修费用", "小版本升级", "驻场岗位",
                   "预计每年 3600000 条，非上限", "待澄清"):
        assert needle in out, needle
    assert cli(["contract", "show", "--tenant", "zhuhai", "--json"]) == 0
    terms = json.loads(capsys.readouterr().out)
    assert set(terms) >= {"billing", "ticketing", "inventory", "notify"} and not terms["unavailable"]


def test_every_table_the_cli_prints_comes_as_json_too(stack, capsys, monkeypatch):
    monkeypatch.setenv("OPSPACT_URL", stack.url("gateway"))
    for argv in (["billing", "schedule", "--tenant", "zhuhai"],
                 ["billing", "statement", "--tenant", "xinxiang", "--from", "2025-01-01"],
                 ["roster", "gaps", "--tenant", "xinjiang", "--from", "2025-10-09", "--to", "2025-10-10"],
                 ["notify", "replay", "--tenant", "xinxiang", "--dry-run"],
                 ["inventory", "eol", "--tenant", "beijing"]):
        capsys.readouterr()
        assert cli([*argv, "--json"]) == 0, argv
        json.loads(capsys.readouterr().out)  # the whole of stdout is one JSON document
