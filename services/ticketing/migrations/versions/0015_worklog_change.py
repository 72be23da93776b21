"""Work log entries booked against a change: the effort an upgrade took, counted against
the contract's effort budgets (zhuhai 3 person-months, beijing 48)

Revision ID: 0015
Revises: 0014
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("worklog_entries", sa.Column("change_id", UUID(as_uuid=True)), schema="ticketing")
    op.create_index("worklog_entries_change", "worklog_entries", ["tenant_id", "change_id"],
                    schema="ticketing", postgresql_where=sa.text("change_id IS NOT NULL"))


def downgrade() -> None:
    op.drop_index("worklog_entries_change", "worklog_entries", schema="ticketing")
    op.drop_column("worklog_entries", "change_id", schema="ticketing")
