"""Report periods as people name them, in Asia/Shanghai: a week `2025-W10` (ISO, Monday
to Sunday), a month `2025-03`, a quarter `2025-Q1`, a half year `2025-H1`, a year `2025`.

A year is the contract's service year when the contract has a term (`year_start`, its first
day): zhuhai's "2023年度" runs 2023-11-09 to 2024-11-08, as the contract and its people call
it; a calendar year only where nothing says otherwise (xinjiang's 技术服务手册 is by 自然年)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from opspact.calendar import SHANGHAI
from opspact.errors import Unprocessable
from opspact.tenancy.term import add_months

QUARTERS = "一二三四"
PATTERNS = {
    "weekly": (re.compile(r"^(\d{4})-W(\d{2})$"), "2025-W10"),
    "monthly": (re.compile(r"^(\d{4})-(\d{2})$"), "2025-03"),
    "quarterly": (re.compile(r"^(\d{4})-Q([1-4])$"), "2025-Q1"),
    "half_yearly": (re.compile(r"^(\d{4})-H([12])$"), "2025-H1"),
    "annual": (re.compile(r"^(\d{4})$"), "2025"),
}


@dataclass(frozen=True)
class Period:
    kind: str
    code: str
    first: date
    last: date  # inclusive
    label: str

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first, time(), SHANGHAI)

    @property
    def end(self) -> datetime:
        return datetime.combine(self.last + timedelta(days=1), time(), SHANGHAI)

    def buckets(self) -> list[tuple[str, datetime, datetime]]:
        """Where a trend is drawn: days of a week, weeks of a month, months otherwise."""
        out = []
        if self.kind in ("weekly", "monthly"):
            step = timedelta(days=1 if self.kind == "weekly" else 7)
            day = self.first
            while day <= self.last:
                upto = min(day + step, self.last + timedelta(days=1))
                label = f"{day:%m-%d}" if self.kind == "weekly" else f"{day:%m-%d}起"
                out.append((label, datetime.combine(day, time(), SHANGHAI),
                            datetime.combine(upto, time(), SHANGHAI)))
                day = upto
            return out
        month = self.first.replace(day=1)
        while month <= self.last:
            following = (month + timedelta(days=32)).replace(day=1)
            out.append((f"{month.month}月", datetime.combine(month, time(), SHANGHAI),
                        datetime.combine(min(following, self.last + timedelta(days=1)), time(), SHANGHAI)))
            month = following
        return out


def service_year_start(config: dict) -> date | None:
    """The first day of the contract's term (recorded or written), which starts its years."""
    start = config.get("contract", {}).get("term", {}).get("start")
    return date.fromisoformat(str(start)) if start else None


def _anniversary(start: date, year: int) -> date:
    try:
        return start.replace(year=year)
    except ValueError:  # 29 February in a common year
        return date(year, 2, 28)


def _half(year: int, half: int, year_start: date | None) -> tuple[date, date, str]:
    """The first or second six months of the (service) year `year`."""
    start = _anniversary(year_start, year) if year_start else date(year, 1, 1)
    middle = add_months(start, 6)
    first, last = (start, middle - timedelta(days=1)) if half == 1 else (
        middle, add_months(start, 12) - timedelta(days=1))
    name = f"{year}年度{'上' if half == 1 else '下'}半年"
    return first, last, (f"{name}（{first.year}年{first.month}月{first.day}日至"
                         f"{last.year}年{last.month}月{last.day}日）")


def parse(kind: str, code: str, year_start: date | None = None) -> Period:
    pattern, example = PATTERNS[kind]
    match = pattern.match(code)
    if not match:
        raise Unprocessable(f"a {kind} period is written like {example}, not {code!r}",
                            errors=[{"field": "query.period", "message": f"expected like {example}"}])
    year = int(match.group(1))
    if year < 2000 or year > 2100:
        raise Unprocessable(f"year {year} is out of range", errors=[{"field": "query.period",
                                                                     "message": "year out of range"}])
    try:
        if kind == "weekly":
            first = date.fromisocalendar(year, int(match.group(2)), 1)
            last = first + timedelta(days=6)
            label = (f"{year}年第{int(match.group(2))}周"
                     f"（{first.month}月{first.day}日至{last.month}月{last.day}日）")
        elif kind == "monthly":
            first = date(year, int(match.group(2)), 1)
            last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
            label = f"{year}年{first.month}月"
        elif kind == "quarterly":
            q = int(match.group(2))
            first = date(year, 3 * q - 2, 1)
            last = (date(year, 3 * q, 1) + timedelta(days=32)).replace(day=1) - timedelta(days=1)
            label = f"{year}年第{QUARTERS[q - 1]}季度"
        elif kind == "half_yearly":
            first, last, label = _half(year, int(match.group(2)), year_start)
        elif year_start is not None:
            first = _anniversary(year_start, year)
            last = _anniversary(year_start, year + 1) - timedelta(days=1)
            label = (f"{year}年度（{first.year}年{first.month}月{first.day}日至"
                     f"{last.year}年{last.month}月{last.day}日）")
        else:
            first, last, label = date(year, 1, 1), date(year, 12, 31), f"{year}年度"
    except ValueError as exc:
        raise Unprocessable(f"no such {kind} period {code!r}: {exc}",
                            errors=[{"field": "query.period", "message": str(exc)}]) from None
    return Period(kind, code, first, last, label)


def current(kind: str, today: date, year_start: date | None = None) -> str:
    """The period that ended most recently (the one a report is due for): the one holding
    the day before the period of today began."""
    began = parse(kind, containing(kind, today, year_start), year_start).first
    return containing(kind, began - timedelta(days=1), year_start)


def containing(kind: str, day: date, year_start: date | None = None) -> str:
    """The code of the `kind` period that contains `day`."""
    if kind == "weekly":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    if kind == "monthly":
        return f"{day:%Y-%m}"
    if kind == "quarterly":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    year = day.year - 1 if year_start is not None and day < _anniversary(year_start, day.year) \
        else day.year
    if kind == "half_yearly":
        second = day > _half(year, 1, year_start)[1]
        return f"{year}-H{2 if second else 1}"
    return str(year)


def overlapping(kind: str, first: date, last: date, year_start: date | None = None) -> list[Period]:
    """Every `kind` period that shares at least a day with first..last, in order."""
    out = []
    day = first
    while day <= last:
        period = parse(kind, containing(kind, day, year_start), year_start)
        out.append(period)
        day = period.last + timedelta(days=1)
    return out
