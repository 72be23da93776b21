"""Monitoring alerts: one open incident per fingerprint, with when it was last seen

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None
S = "ticketing"
OPEN = "fingerprint IS NOT NULL AND status NOT IN ('resolved', 'closed')"


def upgrade() -> None:
    op.add_column("tickets", sa.Column("fingerprint", sa.String(128)), schema=S)
    op.add_column("tickets", sa.Column("last_seen_at", sa.DateTime(timezone=True)), schema=S)
    # Only open incidents are unique per fingerprint: once resolved, the same alert
    # firing again is a new incident.
    op.create_index("tickets_open_fingerprint_uq", "tickets",
                    ["tenant_id", "source", "fingerprint"], unique=True, schema=S,
                    postgresql_where=sa.text(OPEN))


def downgrade() -> None:
    op.drop_index("tickets_open_fingerprint_uq", "tickets", schema=S)
    op.drop_column("tickets", "last_seen_at", schema=S)
    op.drop_column("tickets", "fingerprint", schema=S)
