"""Report periods as people name them, in Asia/Shanghai: a week `2025-W10` (ISO, Monday
to Sunday), a month `2025-03`, a quarter `2025-Q1`, a year `2025`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from opspact.calendar import SHANGHAI
from opspact.errors import Unprocessable

QUARTERS = "一二三四"
PATTERNS = {
    "weekly": (re.compile(r"^(\d{4})-W(\d{2})$"), "2025-W10"),
    "monthly": (re.compile(r"^(\d{4})-(\d{2})$"), "2025-03"),
    "quarterly": (re.compile(r"^(\d{4})-Q([1-4])$"), "2025-Q1"),
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


def parse(kind: str, code: str) -> Period:
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
        else:
            first, last, label = date(year, 1, 1), date(year, 12, 31), f"{year}年度"
    except ValueError as exc:
        raise Unprocessable(f"no such {kind} period {code!r}: {exc}",
                            errors=[{"field": "query.period", "message": str(exc)}]) from None
    return Period(kind, code, first, last, label)


def current(kind: str, today: date) -> str:
    """The period that ended most recently (the one a report is due for): the one holding
    the day before the period of today began."""
    return containing(kind, parse(kind, containing(kind, today)).first - timedelta(days=1))


def containing(kind: str, day: date) -> str:
    """The code of the `kind` period that contains `day`."""
    if kind == "weekly":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    if kind == "monthly":
        return f"{day:%Y-%m}"
    if kind == "quarterly":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    return str(day.year)


def overlapping(kind: str, first: date, last: date) -> list[Period]:
    """Every `kind` period that shares at least a day with first..last, in order."""
    out = []
    day = first
    while day <= last:
        period = parse(kind, containing(kind, day))
        out.append(period)
        day = period.last + timedelta(days=1)
    return out
