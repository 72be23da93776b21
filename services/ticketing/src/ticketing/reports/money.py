"""付款节点与违约金: the contract's money in a report, from billing's statement of account
for the same days — what was invoiced and received, each payment milestone, the
liquidated damages that occurred in the period and their state, the balance, and where
the contract splits repair costs (beijing 三2(4)), the period's repairs and who bore them."""

from __future__ import annotations

from opspact.peers import Denied

from ticketing.reports import labels
from ticketing.reports.document import Section, Table

HEADING = "付款节点与违约金"


def _figures(amount: dict) -> str:
    return amount["figures"]


def numbers(statement: dict) -> dict[str, int | str]:
    totals = statement["totals"]
    return {"damages_count": len(statement["damages"]),
            "damages_confirmed": totals["damages"].get("confirmed", {}).get("value", "0.00"),
            "net_receivable": totals["net_receivable"]["value"]}


def section(statement: dict | Denied) -> Section:
    if isinstance(statement, Denied):
        return Section(HEADING, paragraphs=[
            f"本节需要查看合同款项的权限，当前角色无权查看，未列出（{statement.detail}）。"])
    totals = statement["totals"]
    by_state = "，".join(f"{labels.of(labels.DAMAGE_STATES, state)}{_figures(amount)}"
                        for state, amount in totals["damages"].items()) or "无"
    text = [
        f"合同金额{_figures(statement['contract_value'])}。本期开票{_figures(totals['invoiced'])}，"
        f"收款{_figures(totals['received'])}；本期发生违约金{len(statement['damages'])}项（{by_state}），"
        f"本期扣减{_figures(totals['deducted_in_period'])}。",
        f"期末已到期未收款{_figures(totals['receivable_due'])}，已确认未扣减违约金"
        f"{_figures(totals['damages_pending'])}，逾期付款利息{_figures(totals['interest'])}，"
        f"期末净应收{_figures(totals['net_receivable'])}（大写：{totals['net_receivable']['capitals']}）。"]
    milestones = Table("表 付款节点", ["节点", "金额", "到期日", "已开票", "已收款", "已扣减", "未收"],
                       [[m["name"], _figures(m["amount"]), m["due_on"] or "未确定", _figures(m["invoiced"]),
                         _figures(m["paid"]), _figures(m["deducted"]), _figures(m["outstanding"])]
                        for m in statement["milestones"]], [16, 14, 12, 14, 14, 12, 14])
    damages = Table("表 违约金明细", ["发生日期", "条款", "计算", "金额", "状态", "扣减节点"],
                    [[d["occurred_on"], d["clause"] or d["rule"], d["computation"], _figures(d["amount"]),
                      labels.of(labels.DAMAGE_STATES, d["state"]), d["deducted_from"] or "—"]
                     for d in statement["damages"]], [12, 30, 30, 14, 8, 10])
    tables = [milestones, damages]
    if "vendor" in totals.get("repairs", {}):  # the contract splits repair costs
        repairs = statement.get("repairs", [])
        text.append(f"本期维修{len(repairs)}项：乙方承担{_figures(totals['repairs']['vendor'])}，"
                    f"甲方承担{_figures(totals['repairs']['client'])}（按合同维修费用分担条款）。")
        tables.append(Table("表 维修费用", ["维修日期", "资产", "配件/工作", "金额", "承担方", "依据"],
                            [[r["repaired_on"], r["asset_code"], r["parts"], _figures(r["amount"]),
                              PARTIES[r["borne_by"]], r["reason"]] for r in repairs],
                            [12, 14, 24, 12, 8, 30]))
    return Section(HEADING, paragraphs=text, tables=tables)


PARTIES = {"vendor": "乙方", "client": "甲方"}
