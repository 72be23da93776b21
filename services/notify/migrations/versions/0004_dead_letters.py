"""Dead letters: events the consumer could not apply, parked whole for replay

Revision ID: 0004
Revises: 0003
"""
from alembic import op
from opspact.deadletters import create_dead_letters_table

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_dead_letters_table(op, "notify")


def downgrade() -> None:
    op.drop_table("dead_letters", schema="notify")
