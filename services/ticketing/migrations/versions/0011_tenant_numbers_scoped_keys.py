"""Ticket and change numbers per tenant and year (T2026-000123), no longer from one
sequence all tenants shared; a change remembers its request's hash (a reused
Idempotency-Key with another body is a conflict, as for tickets)

Revision ID: 0011
Revises: 0010
"""
import sqlalchemy as sa
from alembic import op
from opspact.db.migrations import enable_tenant_rls

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None
S = "ticketing"


def upgrade() -> None:
    op.create_table(
        "number_counters",
        sa.Column("tenant_id", sa.String(32), primary_key=True),
        sa.Column("series", sa.String(8), primary_key=True),
        sa.Column("year", sa.Integer, primary_key=True),
        sa.Column("last", sa.BigInteger, nullable=False),
        schema=S,
    )
    enable_tenant_rls(op, f"{S}.number_counters")
    # Numbers already handed out keep working: they are stored as they were shown.
    for table, letter in (("tickets", "T"), ("changes", "C")):
        op.add_column(table, sa.Column("number", sa.String(20)), schema=S)
        op.execute(f"UPDATE {S}.{table} SET number = '{letter}' || lpad(seq::text, 7, '0')")
        op.alter_column(table, "number", nullable=False, schema=S)
        op.create_index(f"{table}_tenant_number_uq", table, ["tenant_id", "number"], unique=True,
                        schema=S)
    op.add_column("changes", sa.Column("request_hash", sa.String(64)), schema=S)


def downgrade() -> None:
    op.drop_column("changes", "request_hash", schema=S)
    for table in ("tickets", "changes"):
        op.drop_index(f"{table}_tenant_number_uq", table_name=table, schema=S)
        op.drop_column(table, "number", schema=S)
    op.drop_table("number_counters", schema=S)
