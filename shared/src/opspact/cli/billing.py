"""`opspact billing schedule --tenant T`, `opspact billing simulate --tenant T EVENTS.jsonl`,
`opspact billing statement --tenant T [--from D] [--to D] [--xlsx FILE]` and
`opspact billing repair --tenant T --amount A [--kind K]`: the contract's payments, what
given events would cost (nothing is written), the statement of account for a period, and
who bears a repair under the contract's split."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from opspact.cli.common import CliError, api_call, print_json, print_table


def register(nouns) -> None:
    parser = nouns.add_parser("billing", help="payment milestones and liquidated damages")
    verbs = parser.add_subparsers(dest="verb", required=True)
    plan = verbs.add_parser("schedule", help="milestones with amounts (figures and 大写), "
                                             "triggers and due dates")
    plan.add_argument("--tenant", required=True)
    plan.add_argument("--json", action="store_true")
    plan.set_defaults(func=_schedule)
    sim = verbs.add_parser("simulate", help="the damages the events in a JSON-lines file would "
                                            "produce, on top of what is recorded; writes nothing")
    sim.add_argument("--tenant", required=True)
    sim.add_argument("events", type=Path, help="one event per line: {id, type, time, data}")
    sim.add_argument("--alone", action="store_true", help="ignore what is already recorded")
    sim.add_argument("--as-of", help="count days late up to this date-time (default: now)")
    sim.add_argument("--json", action="store_true")
    sim.set_defaults(func=_simulate)
    st = verbs.add_parser("statement", help="对账单: the period's invoices, payments and damages, "
                                            "and the net receivable at its end")
    st.add_argument("--tenant", required=True)
    st.add_argument("--from", dest="start", help="first day (default: the signing date)")
    st.add_argument("--to", dest="end", help="last day, inclusive (default: today)")
    st.add_argument("--xlsx", type=Path, help="also save the statement as this workbook")
    st.add_argument("--json", action="store_true")
    st.set_defaults(func=_statement)
    repair = verbs.add_parser("repair", help="who bears a repair of this amount, with the clause")
    repair.add_argument("--tenant", required=True)
    repair.add_argument("--amount", required=True, help="yuan, e.g. 12000 or 9999.50")
    repair.add_argument("--kind", default="parts", choices=["parts", "consumables", "manufacturer"])
    repair.add_argument("--json", action="store_true")
    repair.set_defaults(func=_repair)


def _schedule(args) -> int:
    contract = api_call("GET", "/api/billing/contract", args.tenant, ["vendor_manager"]).json()
    if args.json:
        print_json(contract["milestones"])
        return 0
    print(f"{contract['title']}\n合同总价 {contract['value']['figures']}（{contract['value']['capitals']}）")
    print_table([{
        "milestone": f"{m['code']} {m['name']}", "amount": m["amount"]["figures"],
        "大写": m["amount"]["capitals"], "share": f"{m['percent_of_value']}%",
        "contract date": m["contract_due_on"] or "",
        "due": m["due_on"] or f"待{'、'.join(m['waiting_for'])}",
        "payable from": m["payable_from"] or "", "status": m["status"]}
        for m in contract["milestones"]],
        ["milestone", "amount", "大写", "share", "contract date", "due", "payable from", "status"])
    for m in contract["milestones"]:
        print(f"  {m['code']}: {m['clause']}（{' + '.join(m['after'])}，{m['within']}）")
    for finding in contract["inconsistencies"]:
        print(f"注意：{finding}")
    return 0


def _read_events(path: Path) -> list[dict]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise CliError(f"cannot read {path}: {exc.strerror}") from None
    events = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            events.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise CliError(f"{path}:{number}: not JSON ({exc.msg})") from None
    return events


def _simulate(args) -> int:
    body = {"events": _read_events(args.events), "with_recorded": not args.alone}
    if args.as_of:
        body["as_of"] = args.as_of
    out = api_call("POST", "/api/billing/simulate", args.tenant, ["vendor_manager"], json=body).json()
    if args.json:
        print_json(out)
        return 0
    rows = [{"": "新" if e["new"] else "", "rule": e["rule"], "when": e["occurred_at"][:10],
             "amount": e["counted_amount"]["figures"], "running": e["running_total"]["figures"],
             "computation": e["computation"]} for e in out["entries"]]
    if rows:
        print_table(rows, ["", "rule", "when", "amount", "running", "computation"])
    for entry in (e for e in out["entries"] if e["new"]):
        print(f"  {entry['rule']}: {entry['clause']}")
    added = out["added_by_simulation"]
    print(f"these events add {added['figures']}（{added['capitals']}）; "
          f"total {out['total']['figures']}")
    if out["cap"]:
        print(f"cap {out['cap']['figures']}{' — reached' if out['cap_reached'] else ''}")
    for right in out["termination_rights"]:
        print(f"termination right: {right}")
    if out["ignored_events"]:
        print(f"no rule counts: {', '.join(out['ignored_events'])}")
    return 0


STATEMENT_LINES = (("invoiced", "本期开具发票"), ("received", "本期收款"),
                   ("deducted_in_period", "本期扣减违约金"), ("receivable_due", "期末已到期未收款"),
                   ("damages_pending", "期末待扣减违约金"), ("interest", "期末逾期付款违约金"),
                   ("net_receivable", "期末净应收"))


def _statement(args) -> int:
    params = {k: v for k, v in (("from", args.start), ("to", args.end)) if v}
    roles = ["vendor_manager"]
    s = api_call("GET", "/api/billing/statement", args.tenant, roles, params=params).json()
    if args.json:
        print_json(s)
        if not args.xlsx:
            return 0
    else:
        _print_statement(s)
    if args.xlsx:
        book = api_call("GET", "/api/billing/statement/export", args.tenant, roles,
                        params={"from": s["start"], "to": s["end"]})
        try:
            args.xlsx.write_bytes(book.content)
        except OSError as exc:
            raise CliError(f"cannot write {args.xlsx}: {exc.strerror}") from None
        print(f"saved {args.xlsx}", file=sys.stderr if args.json else sys.stdout)
    return 0


PARTY = {"vendor": "乙方（运维服务商）", "client": "甲方"}


def _print_statement(s: dict) -> None:
    print(f"{s['title']} 对账单 {s['start']} 至 {s['end']}")
    print_table([{"milestone": f"{m['code']} {m['name']}", "amount": m["amount"]["figures"],
                  "due": m["due_on"] or "待定", "paid": m["paid"]["figures"],
                  "deducted": m["deducted"]["figures"], "outstanding": m["outstanding"]["figures"]}
                 for m in s["milestones"]], ["milestone", "amount", "due", "paid", "deducted", "outstanding"])
    damages = s["totals"]["damages"]
    print("本期违约金：" + "，".join(f"{name} {damages[state]['figures']}" for state, name in (
        ("proposed", "拟计"), ("confirmed", "已确认"), ("waived", "已免除"), ("deducted", "已扣减"))))
    print_table([{"item": label, "amount": s["totals"][key]["figures"], "大写": s["totals"][key]["capitals"]}
                 for key, label in STATEMENT_LINES], ["item", "amount", "大写"])


def _repair(args) -> int:
    split = api_call("GET", "/api/billing/repairs/split", args.tenant, ["vendor_manager"],
                     params={"amount": args.amount, "kind": args.kind}).json()
    if args.json:
        print_json(split)
        return 0
    print(f"{split['amount']['figures']}（{split['amount']['capitals']}）由{PARTY[split['borne_by']]}承担")
    print(f"  {split['reason']}")
    print(f"  合同条款：{split['clause']}")
    return 0
