"""outbox, inbox, tenant registry

Revision ID: 0001
Revises:
"""
from alembic import op
from opspact.db.migrations import create_infrastructure_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_infrastructure_tables(op, "billing")


def downgrade() -> None:
    for table in ("tenants", "inbox", "outbox"):
        op.drop_table(table, schema="billing")
