"""Tenant binding: PostgreSQL row-level security reads `app.tenant_id` per transaction."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

TENANT_SETTING = "app.tenant_id"


async def bind_tenant(session: AsyncSession, tenant_id: str) -> None:
    # set_config(..., true) is SET LOCAL: it ends with the transaction, so a
    # pooled connection never carries one tenant into another's request.
    await session.execute(text("SELECT set_config(:k, :v, true)"),
                          {"k": TENANT_SETTING, "v": tenant_id})


def rls_policy_sql(qualified_table: str) -> list[str]:
    """Statements a migration runs to put a table under tenant row-level security.

    FORCE applies the policy to the table owner as well; with no tenant set,
    `current_setting(..., true)` is NULL and the policy admits no row.
    """
    name = qualified_table.replace(".", "_") + "_tenant_isolation"
    predicate = f"tenant_id = current_setting('{TENANT_SETTING}', true)"
    return [
        f"ALTER TABLE {qualified_table} ENABLE ROW LEVEL SECURITY",
        f"ALTER TABLE {qualified_table} FORCE ROW LEVEL SECURITY",
        f"CREATE POLICY {name} ON {qualified_table} USING ({predicate}) WITH CHECK ({predicate})",
    ]
