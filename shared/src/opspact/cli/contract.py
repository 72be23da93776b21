"""`opspact contract show --tenant T [--json]`: every term the product enforces for a
contract, each with its clause — money from billing, clocks, inspections, reports, changes
and effort budgets from ticketing, staffing from inventory, SMS volume from notify. A
service that refuses (down, or a certificate login required) is named, the rest shown."""

from __future__ import annotations

from typing import Any

from opspact.cli.common import CliError, api_call, print_json, print_table

ROLES = ["vendor_manager"]
SOURCES = {"billing": "/api/billing/contract", "ticketing": "/api/ticketing/contract-terms",
           "inventory": "/api/inventory/contract-terms", "notify": "/api/notify/quota"}


def register(nouns) -> None:
    parser = nouns.add_parser("contract", help="the contract's terms as the product enforces them")
    verbs = parser.add_subparsers(dest="verb", required=True)
    show = verbs.add_parser("show", help="every enforced term with its clause")
    show.add_argument("--tenant", required=True)
    show.add_argument("--json", action="store_true")
    show.set_defaults(func=_show)


def gather(tenant: str) -> dict[str, Any]:
    out: dict[str, Any] = {"tenant": tenant, "unavailable": {}}
    for service, path in SOURCES.items():
        try:
            out[service] = api_call("GET", path, tenant, ROLES).json()
        except CliError as exc:
            out[service] = None
            out["unavailable"][service] = str(exc)
    return out


def _show(args) -> int:
    terms = gather(args.tenant)
    if args.json:
        print_json(terms)
        return 0
    if terms["billing"]:
        _money(terms["billing"])
    if terms["ticketing"]:
        _work(terms["ticketing"])
    if terms["inventory"]:
        _staffing(terms["inventory"])
    if terms["notify"] and terms["notify"].get("estimated_per_year"):
        n = terms["notify"]
        print(f"\n短信：本合同年度已发 {n['segments']} 条"
              f"（合同预计每年 {n['estimated_per_year']} 条，非上限）\n  {n['estimate_clause']}")
    for service, why in terms["unavailable"].items():
        print(f"\n（{service} 未能读取：{why}）")
    return 0 if len(terms["unavailable"]) < len(SOURCES) else 1


def _money(c: dict) -> None:
    print(f"{c['title']}\n合同总价 {c['value']['figures']}（{c['value']['capitals']}）"
          f"  签订 {c['signed_on'] or '—'}  生效 {c.get('effective_on') or '—'}")
    print("\n付款节点")
    print_table([{"code": m["code"], "amount": m["amount"]["figures"],
                  "share": f"{m['percent_of_value']}%",
                  "contract date": m["contract_due_on"] or f"待{'、'.join(m['waiting_for'])}",
                  "invoice first": "是" if m["invoice_first"] else "", "status": m["status"],
                  "clause": m["clause"]} for m in c["milestones"]],
                ["code", "amount", "share", "contract date", "invoice first", "status", "clause"])
    if c.get("line_items"):
        print("\n报价清单（万元）")
        for g in c["line_items"]:
            print(f"  {g['name']} {g['wan']}：" + "；".join(f"{i['name']} {i['wan']}" for i in g["items"]))
    if c.get("late_interest"):
        li = c["late_interest"]
        print(f"\n甲方逾期付款：{li['basis']} {li.get('rate') or ''} 上限 {li.get('cap') or '—'}%"
              f"\n  {li['clause']}")
    if c.get("repair_split"):
        rs = c["repair_split"]
        print(f"\n维修费用：单次 ¥{rs['vendor_up_to']}（含）以内乙方承担，超过的全部由甲方承担"
              f"\n  {rs['clause']}")
    if c["damages_rules"]:
        print("\n违约金规则" + (f"（上限 {c['damages_cap']['figures']}）" if c["damages_cap"] else ""))
        for r in c["damages_rules"]:
            print(f"  {r['code']}（{r['kind']}，{r['percent']}%）：{r['clause']}")
    for finding in c["inconsistencies"]:
        print(f"注意：{finding}")


def _work(t: dict) -> None:
    print("\n时限（SLA）")
    print_table([{"policy": k["policy"], "clock": k["clock"], "target": k["target"],
                  "while": k["while_status"] or "", "met by": " / ".join(
                      x for x in (k["stops_at"], k["stops_on"]) if x),
                  "condition": "无人值守时" if k["unless_on_site"] else "", "clause": k["clause"]}
                 for k in t["clocks"]],
                ["policy", "clock", "target", "while", "met by", "condition", "clause"])
    if t["inspections"]:
        print(f"\n巡检（宽限 {t['inspection_grace_minutes']} 分钟）")
        for s in t["inspections"]:
            heightened = f"，安保期 {'、'.join(s['heightened_times'])}" if s["heightened_times"] else ""
            print(f"  {s['name']}：{s['every']} {'、'.join(s['times'])}{heightened}\n    {s['clause'] or ''}")
    reports = t["reports"]
    print(f"\n报告：{'、'.join(reports['kinds'])}\n  {reports.get('clause') or ''}")
    print("\n变更审批：" + " → ".join(step["name"] for step in t["change_approval"]))
    for b in t["effort_budgets"]:
        each = f"，单项小于 {b['person_months_each_under']} 人月" if b["person_months_each_under"] else ""
        print(f"\n工作量预算 {b['name']}：已用 {b['used']} / {b['person_months_total']} 人月{each}"
              f"（{b['percent']}%，{b['state']}）\n  {b['clause']}")


def _staffing(i: dict) -> None:
    if i["posts"]:
        print("\n驻场岗位")
        print_table(i["posts"], ["code", "name", "headcount", "coverage", "hours"])
