"""A span of days asked for in a query (`from`, `to`, both included), checked the same
way everywhere: within the years contracts live in (as report periods: 2000–2100; year 1
at midnight in Shanghai is not an instant PostgreSQL can hold), `to` not before `from`, and
not longer than the endpoint can answer."""

from __future__ import annotations

from datetime import date

from opspact.errors import Unprocessable

FIRST_YEAR, LAST_YEAR = 2000, 2100


def day_span(first: date, last: date, max_days: int) -> tuple[date, date]:
    for name, day in (("from", first), ("to", last)):
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise Unprocessable(f"`{name}` {day} is outside {FIRST_YEAR}–{LAST_YEAR}",
                                errors=[{"field": f"query.{name}", "message": "year out of range"}])
    if last < first:
        raise Unprocessable("`to` is before `from`", errors=[{"field": "query.to", "message": "before from"}])
    if (last - first).days + 1 > max_days:
        raise Unprocessable(f"ask for at most {max_days} days (from {first} to {last} is "
                            f"{(last - first).days + 1}); split the period",
                            errors=[{"field": "query.to", "message": "period too long"}])
    return first, last
