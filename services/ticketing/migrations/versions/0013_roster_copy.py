"""Ticketing's copy of inventory's roster: whether anyone was on site when a fault came in
(xinjiang: the 2 h on-site clock runs only "如遇其他时段无现场值班人员")

Revision ID: 0013
Revises: 0012
"""
import sqlalchemy as sa
from alembic import op
from opspact.db.migrations import enable_tenant_rls

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None
S = "ticketing"
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "roster_shifts",
        sa.Column("tenant_id", sa.String(32), primary_key=True),
        sa.Column("shift_id", sa.BigInteger, primary_key=True),
        sa.Column("post", sa.String(64), nullable=False),
        sa.Column("staff", sa.String(64), nullable=False),
        sa.Column("starts_at", TS, nullable=False), sa.Column("ends_at", TS, nullable=False),
        schema=S,
    )
    op.create_index("roster_shifts_when", "roster_shifts", ["tenant_id", "starts_at", "ends_at"],
                    schema=S)
    enable_tenant_rls(op, f"{S}.roster_shifts")


def downgrade() -> None:
    op.drop_table("roster_shifts", schema=S)
