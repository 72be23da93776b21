"""Dead letters: events the consumer could not apply, parked whole for replay

Revision ID: 0010
Revises: 0009
"""
from alembic import op
from opspact.deadletters import create_dead_letters_table

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_dead_letters_table(op, "ticketing")


def downgrade() -> None:
    op.drop_table("dead_letters", schema="ticketing")
