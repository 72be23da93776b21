"""Named locks that last as long as the transaction (PostgreSQL advisory locks)."""

from __future__ import annotations

import zlib

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession


async def xact_lock(session: AsyncSession, name: str) -> None:
    """Wait for, then hold until commit or rollback, the lock called `name`: one
    writer at a time for whatever the name stands for (e.g. one tenant's ledger)."""
    await session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": zlib.crc32(name.encode())})
