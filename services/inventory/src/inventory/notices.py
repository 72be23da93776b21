"""The watch's marks: something announced once, whichever leader (of two at once) gets there."""

from __future__ import annotations

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession


async def first_time(session: AsyncSession, notice, **key) -> bool:
    """Mark `key` as announced in the `notice` table; False when it was marked already."""
    inserted = await session.execute(insert(notice).values(**key).on_conflict_do_nothing()
                                     .returning(*notice.__table__.primary_key.columns))
    return inserted.first() is not None
