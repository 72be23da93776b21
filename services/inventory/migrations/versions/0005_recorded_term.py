"""The contract's term as recorded when the event that starts it happens (wuqia: the
service year runs from acceptance)

Revision ID: 0005
Revises: 0004
"""
from alembic import op
from opspact.db.migrations import add_recorded_term, drop_recorded_term

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    add_recorded_term(op, "inventory")


def downgrade() -> None:
    drop_recorded_term(op, "inventory")
