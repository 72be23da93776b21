"""Field types shared by the services' schemas."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Annotated
from zoneinfo import ZoneInfo

from pydantic import AfterValidator, BaseModel, BeforeValidator, model_validator

SHANGHAI = ZoneInfo("Asia/Shanghai")


# Every date or instant that comes from outside (a body, a query, a file, an event a
# person recorded) must lie in this span. Year 1 or 9999 is a typing mistake, and at the
# extremes an instant cannot be converted between offsets or stored and read back whole.
EARLIEST = date(2000, 1, 1)
LATEST = date(2100, 12, 31)
SPAN_TEXT = f"{EARLIEST.isoformat()} … {LATEST.isoformat()}"


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


def _iso_only(value):
    # Pydantic's lax mode reads 304, "304" or "3e-9" as seconds after 1970: in an
    # operations record that is always a mistake, so only ISO 8601 text is taken.
    if isinstance(value, int | float) or (isinstance(value, str) and _is_number(value)):
        raise ValueError("give an ISO 8601 date-time, e.g. 2026-11-21T09:00+08:00")
    return value


def _in_span(day: date) -> None:
    if not EARLIEST <= day <= LATEST:
        raise ValueError(f"{day.isoformat()} is outside the plausible span {SPAN_TEXT}")


def as_instant(value: datetime) -> datetime:
    """The one reading of an instant: without an offset it is Shanghai time (our users'
    clocks, Xinjiang's included — the contracts state Beijing time), and it must lie in
    the plausible span. Raises ValueError naming the problem."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=SHANGHAI)
    _in_span(value.date())  # first as written: converting year 1 or 9999 can overflow
    _in_span(value.astimezone(SHANGHAI).date())
    return value


def instant_of(text: str) -> datetime:
    """An instant read back from stored text (an event's payload, a JSON column): always
    timezone-aware, a text without offset read as Shanghai time like any input."""
    value = datetime.fromisoformat(text)
    return value.replace(tzinfo=SHANGHAI) if value.tzinfo is None else value


# An instant from outside: ISO 8601 text, with or without its UTC offset (none = Asia/Shanghai),
# inside the plausible span. Every schema and query parameter that takes one uses this type.
IsoInstant = Annotated[datetime, BeforeValidator(_iso_only), AfterValidator(as_instant)]


def _iso_date_only(value):
    # Same trap for dates: 0 or "0" would be 1970-01-01.
    if isinstance(value, int | float) or (isinstance(value, str) and _is_number(value)):
        raise ValueError("give an ISO 8601 date, e.g. 2026-11-21")
    return value


def as_day(value: date) -> date:
    _in_span(value)
    return value


# A calendar day from outside: ISO 8601 text inside the plausible span.
IsoDate = Annotated[date, BeforeValidator(_iso_date_only), AfterValidator(as_day)]


class Stripped(BaseModel):
    """Text fields are stripped of surrounding whitespace *after* their length limits
    are checked (pydantic's `str_strip_whitespace` strips first, so a 105-character
    title padded with spaces would pass a 100-character limit the schema documents).
    A required text that is only whitespace is refused."""

    @model_validator(mode="after")
    def _strip(self):
        for name, field in type(self).model_fields.items():
            value = getattr(self, name)
            if isinstance(value, str) and not isinstance(value, Enum):
                stripped = value.strip()
                if not stripped and _min_length(field) > 0:
                    raise ValueError(f"{name} is blank")
                object.__setattr__(self, name, stripped)
            elif isinstance(value, list) and value and all(
                    isinstance(v, str) and not isinstance(v, Enum) for v in value):
                object.__setattr__(self, name, [v.strip() for v in value])
        return self


def _min_length(field) -> int:
    return max((getattr(m, "min_length", 0) or 0 for m in field.metadata), default=0)
