"""ISO date-times only: numbers are refused in every spelling."""

import pytest
from opspact.types import IsoInstant
from pydantic import TypeAdapter, ValidationError

ADAPTER = TypeAdapter(IsoInstant)


@pytest.mark.parametrize("value", [304, 1.5, "304", "3.9e-249", "-7", " 12 ", "inf", "nan"])
def test_numbers_are_refused(value):
    with pytest.raises(ValidationError, match="ISO 8601"):
        ADAPTER.validate_python(value)


def test_iso_text_is_read():
    assert ADAPTER.validate_python("2026-11-21T09:00+08:00").utcoffset().total_seconds() == 8 * 3600


def test_stripped_checks_length_before_stripping_and_keeps_enums():
    from enum import Enum

    from opspact.types import Stripped
    from pydantic import Field

    class Colour(str, Enum):
        red = "red"

    class Body(Stripped):
        title: str = Field(min_length=1, max_length=5)
        colour: Colour = Colour.red
        tags: list[str] = []

    assert Body(title=" abc ", tags=[" x "]).model_dump() == {
        "title": "abc", "colour": Colour.red, "tags": ["x"]}
    assert isinstance(Body(title="a").colour, Colour)
    with pytest.raises(ValidationError, match="at most 5"):
        Body(title="  abcd  ")  # 8 characters as sent: over the documented limit
    with pytest.raises(ValidationError, match="blank"):
        Body(title="   ")
