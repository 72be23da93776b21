"""The money of the contract as it would have gone: the dates the client records
(budget approval a month into the term, acceptance a fortnight after it ends), each
milestone invoiced once its conditions hold, and paid within its period — except one,
paid late, so the statement shows late-payment interest."""

from __future__ import annotations

from datetime import date, timedelta

# dates a person records in billing, and when the demo's client recorded them
RECORDED_AFTER = {"budget_approval": ("term_start", 30), "acceptance": ("term_end", 14)}
LATE_BY = timedelta(days=25)


def known_dates(contract: dict) -> dict[str, date]:
    """The dates a milestone's conditions name, as far as they are known."""
    term, found = contract["term"], {}
    for kind, value in (("signing", contract.get("signed_on")), ("effective", contract.get("effective_on")),
                        ("term_start", term.get("start")), ("term_end", term.get("end"))):
        if value:
            found[kind] = date.fromisoformat(value)
    for kind, value in (contract.get("recorded_dates") or {}).items():
        found[kind] = date.fromisoformat(value["on"] if isinstance(value, dict) else value)
    return found


def dates_to_record(contract: dict, milestones: list[dict], until: date) -> dict[str, date]:
    """The recorded dates the milestones wait for that the demo's client would have
    recorded by `until`."""
    known, wanted = known_dates(contract), {}
    for kind in {k for m in milestones for k in m["after"]}:
        if kind in RECORDED_AFTER and kind not in known:
            basis, days = RECORDED_AFTER[kind]
            if basis in known and known[basis] + timedelta(days=days) <= until:
                wanted[kind] = known[basis] + timedelta(days=days)
    return wanted


def invoices(contract: dict, milestones: list[dict], until: date) -> list[dict]:
    """An invoice for each milestone not yet invoiced, the day after its last condition held."""
    known, found = known_dates(contract), []
    for m in milestones:
        conditions = [k for k in m["after"] if k != "invoice"]
        if float(m["invoiced"]["value"]) > 0 or any(k not in known for k in conditions):
            continue
        issued = max([known[k] for k in conditions] or [until]) + timedelta(days=1)
        if issued <= until:
            found.append({"milestone": m["code"], "number": f"DEMO-{contract['tenant']}-{m['code']}"[:32],
                          "kind": "vat_normal", "amount": m["amount"]["value"],
                          "issued_on": issued.isoformat()})
    return found


def payments(milestones: list[dict], until: date) -> list[dict]:
    """Each invoiced, unpaid milestone paid three days before its due date; the first
    one a little over three weeks late."""
    found = []
    for m in milestones:
        due = m.get("contract_due_on") or m.get("due_on")
        if float(m["invoiced"]["value"]) <= 0 or float(m["paid"]["value"]) > 0 or not due:
            continue
        due = date.fromisoformat(due)
        payable = date.fromisoformat(m.get("payable_from") or due.isoformat())
        received = due + LATE_BY if not found else max(due - timedelta(days=3), payable)
        if received <= until:
            found.append({"milestone": m["code"], "amount": m["invoiced"]["value"],
                          "received_on": received.isoformat(),
                          "reference": f"演示数据-{m['code']}-国库集中支付"})
    return found
