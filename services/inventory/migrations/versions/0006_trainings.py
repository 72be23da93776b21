"""Trainings as held (xinjiang 1.5-1), and the watch's mark of a month announced without one

Revision ID: 0006
Revises: 0005
"""
import sqlalchemy as sa
from alembic import op
from opspact.db.migrations import enable_tenant_rls
from sqlalchemy.dialects.postgresql import JSONB

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None
S = "inventory"


def upgrade() -> None:
    op.create_table(
        "trainings",
        sa.Column("id", sa.BigInteger, sa.Identity(always=True), primary_key=True),
        sa.Column("tenant_id", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("held_on", sa.Date, nullable=False),
        sa.Column("topic", sa.String(200), nullable=False),
        sa.Column("attendees", JSONB, nullable=False, server_default=sa.text("'[]'::jsonb")),
        sa.Column("note", sa.Text, nullable=False, server_default=""),
        sa.Column("recorded_by", sa.String(100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        schema=S,
    )
    op.create_index("trainings_held", "trainings", ["tenant_id", "kind", "held_on"], schema=S)
    enable_tenant_rls(op, f"{S}.trainings")
    op.create_table(
        "training_notices",
        sa.Column("tenant_id", sa.String(32), primary_key=True),
        sa.Column("kind", sa.String(32), primary_key=True),
        sa.Column("month", sa.Date, primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        schema=S,
    )
    enable_tenant_rls(op, f"{S}.training_notices")


def downgrade() -> None:
    op.drop_table("training_notices", schema=S)
    op.drop_table("trainings", schema=S)
