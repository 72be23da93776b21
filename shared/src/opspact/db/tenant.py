"""Tenant binding: PostgreSQL row-level security reads `app.tenant_id` per transaction."""

from __future__ import annotations

import re

import asyncpg
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from opspact.tenancy.model import SLUG_PATTERN

TENANT_SETTING = "app.tenant_id"
# What may be written into SQL as a literal: a tenant slug, nothing else.
_LITERAL_SAFE = re.compile(SLUG_PATTERN)


class TenantBindingConnection(asyncpg.Connection):
    """An asyncpg connection that can bind its next transaction to a tenant inside the
    BEGIN's own round trip (`BEGIN; SELECT set_config(...)`, one simple query), instead of
    a statement of its own after it: a unit of work is three round trips, not four.
    The engine makes every connection this class (opspact.db.engine)."""

    _bind_next: str | None = None

    def bind_next_transaction(self, tenant_id: str | None) -> None:
        self._bind_next = tenant_id

    async def execute(self, query: str, *args, timeout: float | None = None) -> str:
        tenant, self._bind_next = self._bind_next, None
        if tenant is not None and not args and query.startswith("BEGIN"):
            query = f"{query} SELECT set_config('{TENANT_SETTING}', '{tenant}', true);"
        elif tenant is not None:  # something else came first: bind it as its own statement
            await super().execute("SELECT set_config($1, $2, true)", TENANT_SETTING, tenant)
        return await super().execute(query, *args, timeout=timeout)


async def bind_tenant(session: AsyncSession, tenant_id: str) -> None:
    # set_config(..., true) is SET LOCAL: it ends with the transaction, so a
    # pooled connection never carries one tenant into another's request.
    connection = await session.connection()  # checks a connection out; sends nothing yet
    driver = (await connection.get_raw_connection()).driver_connection
    if (isinstance(driver, TenantBindingConnection) and not driver.is_in_transaction()
            and _LITERAL_SAFE.fullmatch(tenant_id)):
        driver.bind_next_transaction(tenant_id)  # rides on the BEGIN the first statement sends
        return
    await session.execute(text("SELECT set_config(:k, :v, true)"),
                          {"k": TENANT_SETTING, "v": tenant_id})


def forget_binding(dbapi_connection, connection_record) -> None:
    """Pool check-in hook: a binding no statement used never outlives its unit of work."""
    driver = getattr(dbapi_connection, "driver_connection", None)
    if isinstance(driver, TenantBindingConnection):
        driver.bind_next_transaction(None)


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
