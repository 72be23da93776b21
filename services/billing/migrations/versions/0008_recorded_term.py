"""The contract's term as recorded when the event that starts it happens (wuqia: the
service year runs from acceptance)

Revision ID: 0008
Revises: 0007
"""
from alembic import op
from opspact.db.migrations import add_recorded_term, drop_recorded_term

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    add_recorded_term(op, "billing")


def downgrade() -> None:
    drop_recorded_term(op, "billing")
