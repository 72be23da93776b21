"""Follow-up visits (回访) after a resolved fault: the reporter's mobile on the ticket, and
each follow-up with its one-time link (kept as a SHA-256), its answer and any complaint

Revision ID: 0021
Revises: 0020
"""
import sqlalchemy as sa
from alembic import op
from opspact.db.migrations import enable_tenant_rls
from sqlalchemy.dialects.postgresql import UUID

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None
S = "ticketing"


def upgrade() -> None:
    op.add_column("tickets", sa.Column("reporter_mobile", sa.String(11)), schema=S)
    op.create_table(
        "follow_ups",
        sa.Column("id", sa.BigInteger, sa.Identity(always=True), primary_key=True),
        sa.Column("tenant_id", sa.String(32), nullable=False),
        sa.Column("ticket_id", UUID(as_uuid=True), sa.ForeignKey(f"{S}.tickets.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("channel", sa.String(8), nullable=False),
        sa.Column("token_sha256", sa.String(64)),
        sa.Column("link_expires_at", sa.DateTime(timezone=True)),
        sa.Column("answered_at", sa.DateTime(timezone=True)),
        sa.Column("answered_via", sa.String(8)),
        sa.Column("score", sa.SmallInteger),
        sa.Column("comment", sa.Text),
        sa.Column("recorded_by", sa.String(100)),
        sa.Column("complaint_ticket_id", UUID(as_uuid=True), sa.ForeignKey(f"{S}.tickets.id")),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint("channel IN ('sms', 'phone')", name="follow_up_channel"),
        sa.CheckConstraint("score BETWEEN 1 AND 5", name="follow_up_score"),
        sa.CheckConstraint("(answered_at IS NULL) = (answered_via IS NULL)", name="follow_up_answer"),
        schema=S,
    )
    # one follow-up per resolution: a ticket resolved again after a reopening gets another
    op.create_index("follow_ups_per_resolution", "follow_ups", ["ticket_id", "resolved_at"], unique=True,
                    schema=S)
    op.create_index("follow_ups_token", "follow_ups", ["token_sha256"], unique=True, schema=S,
                    postgresql_where=sa.text("token_sha256 IS NOT NULL"))
    op.create_index("follow_ups_open", "follow_ups", ["tenant_id", "due_at"], schema=S,
                    postgresql_where=sa.text("answered_at IS NULL"))
    enable_tenant_rls(op, f"{S}.follow_ups")


def downgrade() -> None:
    op.drop_table("follow_ups", schema=S)
    op.drop_column("tickets", "reporter_mobile", schema=S)
