"""Field types shared by the services' schemas."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated

from pydantic import BeforeValidator

_NUMBER = re.compile(r"^\s*[+-]?\d+(\.\d+)?\s*$")


def _iso_only(value):
    # Pydantic's lax mode reads 304 or "304" as seconds after 1970: in an operations
    # record that is always a mistake, so only ISO 8601 text is taken.
    if isinstance(value, int | float) or (isinstance(value, str) and _NUMBER.match(value)):
        raise ValueError("give an ISO 8601 date-time, e.g. 2026-11-21T09:00+08:00")
    return value


IsoDateTime = Annotated[datetime, BeforeValidator(_iso_only)]
