"""Numbers people quote (T2026-000123, C2026-000007): per tenant, series and year.

One sequence shared by every tenant let each client count the others' faults between two of
its own tickets. A counter row per (tenant, series, year) is incremented in the creating
transaction, so a rolled-back creation gives its number back; creations of one tenant queue
on that row until commit (other tenants do not)."""

from __future__ import annotations

from datetime import datetime

from opspact.calendar import SHANGHAI
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

_NEXT = text("""
    INSERT INTO ticketing.number_counters AS c (tenant_id, series, year, last)
    VALUES (:tenant, :series, :year, 1)
    ON CONFLICT (tenant_id, series, year) DO UPDATE SET last = c.last + 1
    RETURNING last""")


async def next_number(session: AsyncSession, tenant_id: str, series: str, at: datetime) -> str:
    """`series`: T (tickets) or C (changes); the year is `at`'s in Shanghai (an imported
    ticket is numbered in the year it happened)."""
    year = at.astimezone(SHANGHAI).year
    n = (await session.execute(_NEXT, {"tenant": tenant_id, "series": series, "year": year})).scalar_one()
    return f"{series}{year}-{n:06d}"
