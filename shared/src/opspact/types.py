"""Field types shared by the services' schemas."""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import Enum
from typing import Annotated

from pydantic import AfterValidator, BaseModel, BeforeValidator, model_validator


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


IsoDateTime = Annotated[datetime, BeforeValidator(_iso_only)]


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("needs a UTC offset (e.g. 2026-11-21T09:00+08:00)")
    try:  # 0001-01-01T05:00+22:48 is a valid text but no instant PostgreSQL can hold
        value.astimezone(UTC)
    except OverflowError:
        raise ValueError("out of range once converted to UTC") from None
    return value


# An instant: ISO text with its UTC offset. A bare local time is ambiguous across
# Xinjiang and Beijing habits, so it is refused rather than guessed.
IsoInstant = Annotated[datetime, BeforeValidator(_iso_only), AfterValidator(_aware)]


def _iso_date_only(value):
    # Same trap for dates: 0 or "0" would be 1970-01-01.
    if isinstance(value, int | float) or (isinstance(value, str) and _is_number(value)):
        raise ValueError("give an ISO 8601 date, e.g. 2026-11-21")
    return value


IsoDate = Annotated[date, BeforeValidator(_iso_date_only)]


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
