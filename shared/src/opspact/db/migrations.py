"""Shared Alembic env: each service migrates its own schema with its own version table."""

from __future__ import annotations

import asyncio
import os

from alembic import context
from sqlalchemy import MetaData, pool, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from opspact.db.bootstrap import app_role


def _grant_app_role(connection: Connection, schema: str, role: str) -> None:
    # Least privilege: DML only, never DDL, never another service's schema.
    connection.execute(text(f"GRANT USAGE ON SCHEMA {schema} TO {role}"))
    connection.execute(text(
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {role}"))
    connection.execute(text(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {role}"))


def _run(connection: Connection, metadata: MetaData, schema: str) -> None:
    connection.execute(text(f"CREATE SCHEMA IF NOT EXISTS {schema}"))
    context.configure(
        connection=connection, target_metadata=metadata, version_table="alembic_version",
        version_table_schema=schema, include_schemas=False,
    )
    with context.begin_transaction():
        context.run_migrations()
        _grant_app_role(connection, schema, app_role(schema))


async def _run_async(url: str, metadata: MetaData, schema: str) -> None:
    engine = create_async_engine(url, poolclass=pool.NullPool)
    async with engine.connect() as conn:
        await conn.run_sync(_run, metadata, schema)
        await conn.commit()
    await engine.dispose()


def run_env(metadata: MetaData, schema: str) -> None:
    """Called from a service's `migrations/env.py`."""
    url = context.config.get_main_option("sqlalchemy.url") or os.environ.get(
        "OPSPACT_DATABASE_URL", "")
    if not url:
        raise RuntimeError("OPSPACT_DATABASE_URL is not set: no database to migrate")
    asyncio.run(_run_async(url, metadata, schema))


def create_infrastructure_tables(op, schema: str) -> None:
    """The outbox, inbox and tenant registry every service has (first migration)."""
    import sqlalchemy as sa
    from sqlalchemy.dialects.postgresql import JSONB

    op.create_table(
        "outbox",
        sa.Column("seq", sa.BigInteger, sa.Identity(always=True), primary_key=True),
        sa.Column("event_id", sa.String(64), nullable=False, unique=True),
        sa.Column("tenant_id", sa.String(32), nullable=False),
        sa.Column("topic", sa.String(128), nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("event_type", sa.String(128), nullable=False),
        sa.Column("payload", JSONB, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
        sa.Column("published_at", sa.DateTime(timezone=True)),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("last_error", sa.Text),
        schema=schema,
    )
    # The relay's only query: unpublished rows in commit order.
    op.create_index("outbox_unpublished", "outbox", ["seq"], schema=schema,
                    postgresql_where=sa.text("published_at IS NULL"))
    op.create_table(
        "inbox",
        sa.Column("consumer", sa.String(64), primary_key=True),
        sa.Column("event_id", sa.String(64), primary_key=True),
        sa.Column("tenant_id", sa.String(32)),
        sa.Column("event_type", sa.String(128)),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("error", sa.Text),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
        schema=schema,
    )
    op.create_table(
        "tenants",
        sa.Column("tenant_id", sa.String(32), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("config", JSONB, nullable=False),
        sa.Column("config_hash", sa.String(64), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
        schema=schema,
    )
    enable_tenant_rls(op, f"{schema}.tenants")


def enable_tenant_rls(op, qualified_table: str) -> None:
    from opspact.db.tenant import rls_policy_sql
    for statement in rls_policy_sql(qualified_table):
        op.execute(statement)


def ensure_acting_role(op, role: str, service: str) -> None:
    """A NOLOGIN role the service's app role may enter with SET LOCAL ROLE for work that
    crosses tenants (the SLA scheduler, the inventory watch); it gets no table rights here,
    each migration grants exactly what its job needs."""
    from opspact.db.bootstrap import app_role
    op.execute(f"""
        DO $$ BEGIN
            IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}') THEN
                CREATE ROLE {role} NOLOGIN NOSUPERUSER NOBYPASSRLS;
            END IF;
        END $$""")
    op.execute(f"GRANT {role} TO {app_role(service)}")
    op.execute(f"GRANT USAGE ON SCHEMA {service} TO {role}")


def allow_listing_tenants(op, role: str, service: str, policy: str) -> None:
    """Let an acting role (a watch going through every tenant) read the tenant ids and
    nothing else across tenants; the rest it does bound to one tenant."""
    op.execute(f"GRANT SELECT (tenant_id) ON {service}.tenants TO {role}")
    # A policy TO a role also applies to its members: admit rows only while acting as it.
    op.execute(f"CREATE POLICY {policy} ON {service}.tenants FOR SELECT TO {role} "
               f"USING (current_user = '{role}')")


def revoke_listing_tenants(op, role: str, service: str, policy: str) -> None:
    op.execute(f"DROP POLICY {policy} ON {service}.tenants")
    op.execute(f"REVOKE ALL ON ALL TABLES IN SCHEMA {service} FROM {role}")
    op.execute(f"REVOKE USAGE ON SCHEMA {service} FROM {role}")


def add_recorded_term(op, schema: str) -> None:
    """`<service>.tenants.recorded_term`: the term's dates once the event that starts it
    is recorded (wuqia: acceptance) — kept apart from the applied tenant file, which a
    later `opspact tenant apply` replaces."""
    import sqlalchemy as sa
    from sqlalchemy.dialects.postgresql import JSONB
    op.add_column("tenants", sa.Column("recorded_term", JSONB), schema=schema)


def drop_recorded_term(op, schema: str) -> None:
    op.drop_column("tenants", "recorded_term", schema=schema)
