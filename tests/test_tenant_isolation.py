"""Row-level security as the services' own database roles see it: a session with no
tenant bound reads and writes nothing, a session bound to one tenant sees only that
tenant's rows, and an insert for another tenant is refused by the database itself."""

import asyncio
import uuid

import asyncpg
import pytest
from opspact.db import asyncpg_connect_args
from opspact.db.tenant import TENANT_SETTING
from opspact.testing.plugin import wait_until
from opspact.testing.probes import fault, query

TENANT_TABLES = [("ticketing", "tickets"), ("ticketing", "ticket_timeline"),
                 ("ticketing", "ticket_sla_clocks"), ("notify", "notifications")]


async def _count(url: str, table: str, tenant: str | None) -> int:
    conn = await asyncpg.connect(**asyncpg_connect_args(url))
    try:
        async with conn.transaction():
            if tenant is not None:
                await conn.execute("SELECT set_config($1, $2, true)", TENANT_SETTING, tenant)
            return await conn.fetchval(f"SELECT count(*) FROM {table}")
    finally:
        await conn.close()


@pytest.fixture(scope="module")
def xinjiang_ticket(gateway):
    r = gateway.post("/hooks/xinjiang/12123", json=fault(f"RLS-{uuid.uuid4().hex[:8]}"))
    assert r.status_code == 201, r.text
    return r.json()


def _owner_counts(stack, qualified: str) -> dict[str, int]:
    return {r["tenant_id"]: r["n"] for r in query(
        stack, f"SELECT tenant_id, count(*) AS n FROM {qualified} GROUP BY 1")}


@pytest.mark.parametrize(("service", "table"), TENANT_TABLES)
def test_app_role_sees_only_the_bound_tenant(stack, xinjiang_ticket, service, table):
    qualified = f"{service}.{table}"
    url = stack.app_database_url(service)
    assert _owner_counts(stack, qualified).get("xinjiang", 0) > 0 or table == "notifications"
    assert asyncio.run(_count(url, qualified, None)) == 0
    assert asyncio.run(_count(url, qualified, "")) == 0
    assert asyncio.run(_count(url, qualified, "no-such-tenant")) == 0
    for tenant in ("xinjiang", "zhuhai"):
        # notifications of earlier tests may still be landing: equal once the rows settle;
        # a policy leaking other tenants' rows would never be equal
        wait_until(lambda t=tenant: asyncio.run(_count(url, qualified, t))
                   == _owner_counts(stack, qualified).get(t, 0),
                   timeout=30, message=f"{qualified} as {service} bound to {tenant}")


async def _move_tickets(url: str, bound: str, row_tenant: str) -> None:
    conn = await asyncpg.connect(**asyncpg_connect_args(url))
    try:
        async with conn.transaction():
            await conn.execute("SELECT set_config($1, $2, true)", TENANT_SETTING, bound)
            # the policy's WITH CHECK must refuse a row leaving the bound tenant
            await conn.execute(
                "UPDATE ticketing.tickets SET tenant_id = $1 WHERE tenant_id = $2",
                row_tenant, bound)
    finally:
        await conn.close()


def test_app_role_cannot_move_rows_to_another_tenant(stack, xinjiang_ticket):
    url = stack.app_database_url("ticketing")
    with pytest.raises(asyncpg.exceptions.InsufficientPrivilegeError):
        asyncio.run(_move_tickets(url, "xinjiang", "zhuhai"))
    moved = query(stack, "SELECT tenant_id FROM ticketing.tickets WHERE id::text = $1",
                  xinjiang_ticket["id"])
    assert moved[0]["tenant_id"] == "xinjiang"


async def _as_scheduler(url: str, statement: str, role: str = "opspact_ticketing_sla"):
    conn = await asyncpg.connect(**asyncpg_connect_args(url))
    try:
        async with conn.transaction():
            await conn.execute(f"SET LOCAL ROLE {role}")
            return await conn.fetchval(statement)
    finally:
        await conn.close()


def test_scheduler_role_sees_all_tenants_but_changes_only_its_marks(stack, xinjiang_ticket):
    url = stack.app_database_url("ticketing")
    total = query(stack, "SELECT count(*) AS n FROM ticketing.ticket_sla_clocks")[0]["n"]
    seen = asyncio.run(_as_scheduler(url, "SELECT count(*) FROM ticketing.ticket_sla_clocks"))
    assert seen == total > 0
    for statement in ("UPDATE ticketing.ticket_sla_clocks SET due_at = now()",
                      "UPDATE ticketing.tickets SET title = 'x'",
                      "DELETE FROM ticketing.ticket_sla_clocks"):
        with pytest.raises(asyncpg.exceptions.InsufficientPrivilegeError):
            asyncio.run(_as_scheduler(url, statement))


def test_inventory_watch_role_lists_tenants_and_nothing_else(stack):
    url = stack.app_database_url("inventory")
    watch = "opspact_inventory_watch"
    listed = asyncio.run(_as_scheduler(url, "SELECT count(tenant_id) FROM inventory.tenants", watch))
    assert listed == query(stack, "SELECT count(*) AS n FROM inventory.tenants")[0]["n"] == 5
    # the app role itself, with no tenant bound, still sees none (the policy tests who acts)
    assert asyncio.run(_count(url, "inventory.tenants", None)) == 0
    for statement in ("SELECT count(config) FROM inventory.tenants",
                      "SELECT count(*) FROM inventory.credentials",
                      "SELECT count(*) FROM inventory.staff",
                      "UPDATE inventory.tenants SET name = 'x'"):
        with pytest.raises(asyncpg.exceptions.InsufficientPrivilegeError):
            asyncio.run(_as_scheduler(url, statement, watch))
