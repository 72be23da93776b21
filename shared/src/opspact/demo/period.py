"""The stretch of a contract the demo lives through, and its calendar."""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from opspact.calendar import SHANGHAI, CalendarMissing, CalendarSettings, WorkdayCalendar


@dataclass(frozen=True)
class Period:
    tenant: str
    first: date
    last: date  # inclusive
    document: dict[str, Any]
    calendar: WorkdayCalendar

    def days(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]

    def is_workday(self, day: date) -> bool:
        try:
            return self.calendar.is_workday(day)
        except CalendarMissing:  # a year the library does not know yet: weekdays work
            return day.weekday() < 5

    def settings(self, service: str) -> dict[str, Any]:
        return (self.document.get("services") or {}).get(service) or {}

    def rng(self, seed: int, part: str) -> random.Random:
        """One generator per part, so adding a part never changes another's history."""
        return random.Random(f"{seed}:{self.tenant}:{part}")

    @property
    def end(self) -> datetime:
        """The instant after the last day (exclusive)."""
        return at(self.last + timedelta(days=1), time())


def at(day: date, moment: time) -> datetime:
    return datetime.combine(day, moment, tzinfo=SHANGHAI)


def of(document: dict[str, Any], first: date, last: date) -> Period:
    calendar = CalendarSettings.model_validate(
        ((document.get("services") or {}).get("ticketing") or {}).get("calendar") or {})
    return Period(document["slug"], first, last, document, WorkdayCalendar(calendar))


def csv_files(columns: tuple[str, ...], rows: list[dict], per_file: int) -> list[bytes]:
    """The rows as CSV files of at most `per_file` rows each (an import's limit)."""
    files = []
    for n in range(0, len(rows), per_file):
        out = io.StringIO()
        writer = csv.DictWriter(out, columns)
        writer.writeheader()
        writer.writerows(rows[n:n + per_file])
        files.append(out.getvalue().encode())
    return files
