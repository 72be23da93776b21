"""Money: Decimal only, rounded half-up to the fen, shown in figures and in Chinese
capitals (大写) as contracts and receipts write them. Percentages are Decimal numbers
of percent ("0.3" is 0.3 %, the 千分之叁 of zhuhai's clause)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import cn2an

FEN = Decimal("0.01")
HUNDRED = Decimal(100)
WAN = Decimal(10000)


def fen(amount: Decimal | int | str) -> Decimal:
    """Round half-up to the fen (0.005 → 0.01, as Chinese accounting does)."""
    return Decimal(amount).quantize(FEN, rounding=ROUND_HALF_UP)


def percent_of(base: Decimal, percent: Decimal, times: int = 1) -> Decimal:
    """`times` × `percent` % of `base`, rounded once at the end (not per day)."""
    return fen(base * percent * times / HUNDRED)


def from_wan(amount: Decimal) -> Decimal:
    """万元 → 元, exactly (price lists in contracts are in 万元)."""
    return fen(amount * WAN)


def capitals(amount: Decimal) -> str:
    """人民币大写: 柒拾柒万元整, 壹佰万零壹元零壹分; negative amounts get 负."""
    amount = fen(amount)
    if amount == 0:
        return "零元整"
    words = cn2an.an2cn(str(abs(amount)), "rmb")
    return ("负" if amount < 0 else "") + words


def figures(amount: Decimal) -> str:
    """¥770,000.00"""
    amount = fen(amount)
    return f"{'-' if amount < 0 else ''}¥{abs(amount):,.2f}"
