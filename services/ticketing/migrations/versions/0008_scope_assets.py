"""The inventory's assets as ticketing's read model, for inspection checklists

Revision ID: 0008
Revises: 0007
"""
import sqlalchemy as sa
from alembic import op
from opspact.db.migrations import enable_tenant_rls

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None
S = "ticketing"


def upgrade() -> None:
    op.create_table(
        "scope_assets",
        sa.Column("tenant_id", sa.String(32), primary_key=True),
        sa.Column("code", sa.String(64), primary_key=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        schema=S,
    )
    enable_tenant_rls(op, f"{S}.scope_assets")


def downgrade() -> None:
    op.drop_table("scope_assets", schema=S)
