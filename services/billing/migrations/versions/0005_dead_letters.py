"""Dead letters: events the consumer could not apply, parked whole for replay

Revision ID: 0005
Revises: 0004
"""
from alembic import op
from opspact.deadletters import create_dead_letters_table

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_dead_letters_table(op, "billing")


def downgrade() -> None:
    op.drop_table("dead_letters", schema="billing")
