"""The relation graph in SQL: cycle checks and the impact walk (recursive CTEs).

Relations become "X relies on Y" edges: `A runs_on S` and `A depends_on D` mean A
relies on S and D; `M part_of W` means the whole W relies on its part M (when the
module fails, the system it belongs to is degraded). `connects_to` is adjacency and
carries no failure. A failure travels from Y to everything relying on it."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

DEPENDENCY_TYPES = ("runs_on", "depends_on", "part_of")

RELIES = """
relies(dependent, dependency) AS (
    SELECT from_asset, to_asset FROM inventory.asset_relations
     WHERE tenant_id = :tenant AND type IN ('runs_on', 'depends_on')
  UNION ALL
    SELECT to_asset, from_asset FROM inventory.asset_relations
     WHERE tenant_id = :tenant AND type = 'part_of'
)"""

REACHES = text(f"""
WITH RECURSIVE {RELIES},
walk(id) AS (
    SELECT CAST(:start AS uuid)
  UNION
    SELECT r.dependency FROM relies r JOIN walk w ON r.dependent = w.id
)
SELECT EXISTS (SELECT 1 FROM walk WHERE id = CAST(:target AS uuid))
""")

IMPACT = text(f"""
WITH RECURSIVE {RELIES},
impacted(id, depth, path) AS (
    SELECT r.dependent, 1, ARRAY[r.dependency, r.dependent]
      FROM relies r WHERE r.dependency = :failed
  UNION ALL
    SELECT r.dependent, i.depth + 1, i.path || r.dependent
      FROM relies r JOIN impacted i ON r.dependency = i.id
     WHERE i.depth <= :max_depth AND NOT r.dependent = ANY(i.path)
)
SELECT DISTINCT ON (i.id) i.id, i.depth, i.path
  FROM impacted i ORDER BY i.id, i.depth
""")


def edge(source: UUID, target: UUID, rel_type: str) -> tuple[UUID, UUID]:
    """(dependent, dependency) of a relation `source rel_type target`."""
    return (target, source) if rel_type == "part_of" else (source, target)


async def would_cycle(session: AsyncSession, tenant_id: str, source: UUID, target: UUID,
                      rel_type: str) -> bool:
    """Whether adding the relation closes a loop: the new dependency already relies,
    directly or not, on the new dependent."""
    dependent, dependency = edge(source, target, rel_type)
    return (await session.execute(REACHES, {"start": dependency, "target": dependent,
                                            "tenant": tenant_id})).scalar_one()


async def impact(session: AsyncSession, tenant_id: str, failed: UUID,
                 max_depth: int) -> tuple[list[tuple[UUID, int, list[UUID]]], bool]:
    """Assets reached within max_depth (shortest path each), and whether more lie beyond."""
    rows = (await session.execute(IMPACT, {"tenant": tenant_id, "failed": failed,
                                           "max_depth": max_depth})).all()
    within = [(r.id, r.depth, list(r.path)) for r in rows if r.depth <= max_depth]
    return within, any(r.depth > max_depth for r in rows)
