"""Create the database, the per-service schemas and least-privileged login roles.

Run with the owner URL before migrations (by `opspact up`, the test fixtures and
the compose/k8s migration job). Every statement is idempotent.
"""

from __future__ import annotations

import asyncpg

from opspact import DATABASE_USERS
from opspact.db.engine import asyncpg_connect_args


def app_role(service: str) -> str:
    return f"opspact_{service}"


async def ensure_database(owner_url: str) -> None:
    args = asyncpg_connect_args(owner_url)
    name = args.pop("database") or "opspact"
    conn = await asyncpg.connect(**args, database="postgres")
    try:
        exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        if not exists:
            await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


async def ensure_roles_and_schemas(owner_url: str, services=DATABASE_USERS,
                                   password: str | None = None) -> None:
    conn = await asyncpg.connect(**asyncpg_connect_args(owner_url))
    try:
        for service in services:
            role = app_role(service)
            exists = await conn.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", role)
            if not exists:
                await conn.execute(f"CREATE ROLE {role} LOGIN NOSUPERUSER NOBYPASSRLS")
            if password:
                await conn.execute(f"ALTER ROLE {role} PASSWORD '{password}'")
            await conn.execute(f"CREATE SCHEMA IF NOT EXISTS {service}")
            await conn.execute(f"GRANT USAGE ON SCHEMA {service} TO {role}")
    finally:
        await conn.close()


async def bootstrap(owner_url: str, services=DATABASE_USERS, password: str | None = None) -> None:
    await ensure_database(owner_url)
    await ensure_roles_and_schemas(owner_url, services, password)
