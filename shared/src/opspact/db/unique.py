"""Inserting rows a unique (or exclusion) constraint may refuse."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from opspact.errors import Conflict


async def add_unique(session: AsyncSession, rows, conflict: str,
                     constraint: str | None = None) -> None:
    """Insert `rows` (one or a list) in a savepoint: a clash rolls back only them and
    answers 409 `conflict`. With `constraint`, only that constraint's refusal is a
    conflict; any other integrity error is a bug and propagates."""
    try:
        async with session.begin_nested():
            session.add_all(rows if isinstance(rows, list) else [rows])
            await session.flush()
    except IntegrityError as exc:
        if constraint is not None and constraint not in str(exc.orig):
            raise
        raise Conflict(conflict) from None
