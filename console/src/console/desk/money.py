"""Amounts as the finance desk checks them before asking the API, with the API's own rules
(billing.receivables.service): a reason in Chinese the clerk can act on, the API still the
judge. Amounts travel as the API gives them: strings of the exact value ("7700.00")."""

from __future__ import annotations

import re
from decimal import Decimal

from console.web import Refused, messages

AMOUNT = re.compile(r"^\d{1,12}(\.\d{1,2})?$")


def amount_of(text: str) -> Decimal:
    """A positive amount in yuan with at most two decimals, as typed (commas allowed)."""
    cleaned = text.strip().replace(",", "").replace("，", "").lstrip("¥￥")
    if not AMOUNT.match(cleaned) or Decimal(cleaned) <= 0:
        raise Refused(422, messages("finance.bad_amount", text=text.strip()[:20]))
    return Decimal(cleaned)


def value(amount: dict) -> Decimal:
    return Decimal(amount["value"])


def invoice_room(milestone: dict) -> Decimal:
    """What may still be invoiced against a milestone: never past its amount."""
    return value(milestone["amount"]) - value(milestone["invoiced"])


def payment_room(milestone: dict) -> Decimal:
    """What may still be received: what is owed (damages kept back count as settled) and,
    where the contract wants the invoice first, no more than is invoiced and unpaid."""
    owed = value(milestone["outstanding"])
    if milestone["invoice_first"]:
        owed = min(owed, value(milestone["invoiced"]) - value(milestone["paid"]))
    return max(owed, Decimal(0))


def check_within(amount: Decimal, room: Decimal, key: str, milestone: dict) -> None:
    if amount > room:
        raise Refused(422, messages(key, name=milestone["name"], room=f"¥{room:,.2f}",
                                    over=f"¥{amount - room:,.2f}"))
