"""Staff, their posts, replacements and the duty roster

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op
from opspact.db.migrations import enable_tenant_rls
from sqlalchemy.dialects.postgresql import JSONB

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None
S = "inventory"


def upgrade() -> None:
    op.create_table(
        "staff",
        sa.Column("tenant_id", sa.String(32), primary_key=True),
        sa.Column("code", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(100), nullable=False),  # a placeholder, never a real name
        sa.Column("role", sa.String(100), nullable=False),
        sa.Column("categories", JSONB, nullable=False, server_default=sa.text("'[]'::jsonb")),
        sa.Column("post", sa.String(64)),
        sa.Column("paperwork", JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
        sa.Column("status", sa.String(16), nullable=False, server_default="active"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
        sa.Column("left_at", sa.DateTime(timezone=True)),
        sa.CheckConstraint("status IN ('active', 'left')", name="staff_status"),
        schema=S,
    )
    op.create_table(
        "staff_replacements",
        sa.Column("id", sa.BigInteger, sa.Identity(always=True), primary_key=True),
        sa.Column("tenant_id", sa.String(32), nullable=False),
        sa.Column("post", sa.String(64), nullable=False),
        sa.Column("leaving", sa.String(64), nullable=False),
        sa.Column("joining", sa.String(64), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("contract_year", sa.Integer, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        schema=S,
    )
    op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    op.create_table(
        "shifts",
        sa.Column("id", sa.BigInteger, sa.Identity(always=True), primary_key=True),
        sa.Column("tenant_id", sa.String(32), nullable=False),
        sa.Column("post", sa.String(64), nullable=False),
        sa.Column("staff", sa.String(64), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("ends_at > starts_at", name="shifts_positive"),
        sa.CheckConstraint("ends_at - starts_at <= interval '24 hours'", name="shifts_at_most_a_day"),
        schema=S,
    )
    # One person cannot be on two shifts at once: the database refuses the overlap.
    op.execute(f"""ALTER TABLE {S}.shifts ADD CONSTRAINT shifts_no_overlap EXCLUDE USING gist
                   (tenant_id WITH =, staff WITH =, tstzrange(starts_at, ends_at) WITH &&)""")
    op.create_index("shifts_tenant_time", "shifts", ["tenant_id", "starts_at"], schema=S)
    for table in ("staff", "staff_replacements", "shifts"):
        enable_tenant_rls(op, f"{S}.{table}")


def downgrade() -> None:
    for table in ("shifts", "staff_replacements", "staff"):
        op.drop_table(table, schema=S)
