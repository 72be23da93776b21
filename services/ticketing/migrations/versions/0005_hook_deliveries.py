"""Signed hook deliveries, kept once each: a replayed signed request is refused

Revision ID: 0005
Revises: 0004
"""
import sqlalchemy as sa
from alembic import op
from opspact.db.migrations import enable_tenant_rls

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None
S = "ticketing"


def upgrade() -> None:
    op.create_table(
        "hook_deliveries",
        sa.Column("tenant_id", sa.String(32), primary_key=True),
        sa.Column("delivery_id", sa.String(64), primary_key=True),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
        schema=S,
    )
    # For purging: a delivery older than the signature window can no longer be replayed.
    op.create_index("hook_deliveries_received", "hook_deliveries", ["received_at"], schema=S)
    enable_tenant_rls(op, f"{S}.hook_deliveries")


def downgrade() -> None:
    op.drop_table("hook_deliveries", schema=S)
