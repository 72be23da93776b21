"""Money is Decimal, rounded half-up to the fen, written in Chinese capitals; no float
anywhere in billing (grepped, since one float silently loses fen)."""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from billing.money import capitals, fen, figures, from_wan, percent_of

SOURCE = Path(__file__).parents[1] / "src" / "billing"


@pytest.mark.parametrize(("amount", "words"), [
    ("770000", "柒拾柒万元整"), ("231000.00", "贰拾叁万壹仟元整"), ("539000", "伍拾叁万玖仟元整"),
    ("3007660", "叁佰万柒仟陆佰陆拾元整"), ("668500", "陆拾陆万捌仟伍佰元整"),
    ("1000001.01", "壹佰万零壹元零壹分"), ("0.05", "伍分"), ("0", "零元整"),
    ("-7700", "负柒仟柒佰元整"),
])
def test_capitals(amount, words):
    assert capitals(Decimal(amount)) == words


def test_half_up_to_the_fen():
    assert fen("2.675") == Decimal("2.68") and fen("2.665") == Decimal("2.67")
    assert fen("0.004") == Decimal("0.00")
    assert percent_of(Decimal("711880"), Decimal("0.1"), 3) == Decimal("2135.64")
    assert percent_of(Decimal("708000"), Decimal("0.01")) == Decimal("70.80")
    assert from_wan(Decimal("70.8")) == Decimal("708000.00")
    assert figures(Decimal("3007660")) == "¥3,007,660.00"


def test_no_float_near_money():
    offenders = []
    for path in SOURCE.rglob("*.py"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#")[0]
            if re.search(r"\bfloat\b|\bFloat\b|DOUBLE|REAL\b", code):
                offenders.append(f"{path.name}:{number}: {line.strip()}")
    assert offenders == []
