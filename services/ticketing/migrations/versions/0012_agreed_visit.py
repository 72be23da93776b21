"""The on-site visit time agreed with the client (zhuhai 二4: 24 h to agree it)

Revision ID: 0012
Revises: 0011
"""
import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("tickets", sa.Column("visit_at", sa.DateTime(timezone=True)), schema="ticketing")


def downgrade() -> None:
    op.drop_column("tickets", "visit_at", schema="ticketing")
