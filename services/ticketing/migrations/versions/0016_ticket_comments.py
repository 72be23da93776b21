"""A ticket's conversation: comments (internal or public), their earlier versions, redaction

Revision ID: 0016
Revises: 0015
"""
import sqlalchemy as sa
from alembic import op
from opspact.db.migrations import enable_tenant_rls
from sqlalchemy.dialects.postgresql import JSONB, UUID

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None
S = "ticketing"
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "ticket_comments",
        sa.Column("id", sa.BigInteger, sa.Identity(always=True), primary_key=True),
        sa.Column("tenant_id", sa.String(32), nullable=False),
        sa.Column("ticket_id", UUID(as_uuid=True),
                  sa.ForeignKey(f"{S}.tickets.id", ondelete="CASCADE"), nullable=False),
        sa.Column("author", sa.String(100), nullable=False),
        sa.Column("visibility", sa.String(8), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        sa.Column("earlier", JSONB, nullable=False, server_default="[]"),
        sa.Column("redacted_by", sa.String(100)),
        sa.Column("redacted_at", TS),
        sa.Column("redaction_reason", sa.Text),
        sa.Column("created_at", TS, nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", TS, nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint("visibility IN ('internal', 'public')", name="comment_visibility"),
        schema=S,
    )
    op.create_index("ticket_comments_ticket", "ticket_comments", ["tenant_id", "ticket_id", "id"],
                    schema=S)
    enable_tenant_rls(op, f"{S}.ticket_comments")


def downgrade() -> None:
    op.drop_table("ticket_comments", schema=S)
