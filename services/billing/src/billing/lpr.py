"""The one-year Loan Prime Rate (贷款市场报价利率, 1年期), as announced.

Source of every row: the National Interbank Funding Center's monthly announcement,
published by the People's Bank of China as 《全国银行间同业拆借中心受权公布贷款市场报价利率
（LPR）公告》 (www.pbc.gov.cn → 货币政策司 → 贷款市场报价利率; www.chinamoney.com.cn →
LPR). A row is a change: the rate stands from that announcement until the next row.
Announcements that kept the rate unchanged are not listed.

CHECKED_THROUGH is the last announcement checked against the source. A date after it
gets the latest rate with a note saying so: add the rows announced since (a one-line
change) before using a result for a claim."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

SOURCE = "全国银行间同业拆借中心受权公布贷款市场报价利率（LPR）公告（中国人民银行 www.pbc.gov.cn）"
CHECKED_THROUGH = date(2025, 5, 20)

ONE_YEAR: tuple[tuple[date, Decimal], ...] = (
    (date(2019, 8, 20), Decimal("4.25")),  # first LPR after the August 2019 reform
    (date(2019, 9, 20), Decimal("4.20")),
    (date(2019, 11, 20), Decimal("4.15")),
    (date(2020, 2, 20), Decimal("4.05")),
    (date(2020, 4, 20), Decimal("3.85")),
    (date(2021, 12, 20), Decimal("3.80")),
    (date(2022, 1, 20), Decimal("3.70")),
    (date(2022, 8, 22), Decimal("3.65")),
    (date(2023, 6, 20), Decimal("3.55")),
    (date(2023, 8, 21), Decimal("3.45")),
    (date(2024, 7, 22), Decimal("3.35")),
    (date(2024, 10, 21), Decimal("3.10")),
    (date(2025, 5, 20), Decimal("3.00")),
)


@dataclass(frozen=True)
class Lpr:
    on: date
    rate: Decimal  # % a year
    announced_on: date
    note: str | None = None


def one_year_on(day: date) -> Lpr:
    """The one-year LPR in force on `day`."""
    if day < ONE_YEAR[0][0]:
        raise ValueError(f"the LPR began on {ONE_YEAR[0][0]}; {day} is before it")
    announced, rate = max((row for row in ONE_YEAR if row[0] <= day), key=lambda row: row[0])
    note = None
    if day > CHECKED_THROUGH:
        note = (f"LPR 表核对至 {CHECKED_THROUGH}：{day} 按 {announced} 公布的 {rate}% 计，"
                "使用前请核对其后公告")
    return Lpr(day, rate, announced, note)
