"""The relation graph in SQL: cycle checks and the impact walk (recursive CTEs)."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

# The relations a failure travels along, from what fails to what relies on it.
DEPENDENCY_TYPES = ("runs_on", "depends_on", "part_of")

REACHES = text("""
WITH RECURSIVE walk(id) AS (
    SELECT CAST(:start AS uuid)
  UNION
    SELECT r.to_asset FROM inventory.asset_relations r JOIN walk w ON r.from_asset = w.id
     WHERE r.tenant_id = :tenant AND r.type = ANY(:types)
)
SELECT EXISTS (SELECT 1 FROM walk WHERE id = CAST(:target AS uuid))
""")

IMPACT = text("""
WITH RECURSIVE impacted(id, depth, path) AS (
    SELECT r.from_asset, 1, ARRAY[r.to_asset, r.from_asset]
      FROM inventory.asset_relations r
     WHERE r.tenant_id = :tenant AND r.to_asset = :failed AND r.type = ANY(:types)
  UNION ALL
    SELECT r.from_asset, i.depth + 1, i.path || r.from_asset
      FROM inventory.asset_relations r JOIN impacted i ON r.to_asset = i.id
     WHERE r.tenant_id = :tenant AND r.type = ANY(:types) AND i.depth <= :max_depth
       AND NOT r.from_asset = ANY(i.path)
)
SELECT DISTINCT ON (i.id) i.id, i.depth, i.path
  FROM impacted i ORDER BY i.id, i.depth
""")


async def reaches(session: AsyncSession, tenant_id: str, start: UUID, target: UUID) -> bool:
    """Whether `start` already depends, directly or not, on `target`."""
    return (await session.execute(REACHES, {"start": start, "target": target, "tenant": tenant_id,
                                            "types": list(DEPENDENCY_TYPES)})).scalar_one()


async def impact(session: AsyncSession, tenant_id: str, failed: UUID,
                 max_depth: int) -> tuple[list[tuple[UUID, int, list[UUID]]], bool]:
    """Assets reached within max_depth (shortest path each), and whether more lie beyond."""
    rows = (await session.execute(IMPACT, {"tenant": tenant_id, "failed": failed,
                                           "types": list(DEPENDENCY_TYPES),
                                           "max_depth": max_depth})).all()
    within = [(r.id, r.depth, list(r.path)) for r in rows if r.depth <= max_depth]
    return within, any(r.depth > max_depth for r in rows)
