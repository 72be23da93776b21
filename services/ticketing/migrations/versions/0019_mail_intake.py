"""Mail intake: every message taken in or sent back, by Message-ID, with its ticket; a
comment's quoted history; a role that lists the tenants (the intake finds whose address
a mail is for)

Revision ID: 0019
Revises: 0018
"""
import sqlalchemy as sa
from alembic import op
from opspact.db.bootstrap import app_role
from opspact.db.migrations import (
    allow_listing_tenants,
    enable_tenant_rls,
    ensure_acting_role,
    revoke_listing_tenants,
)
from sqlalchemy.dialects.postgresql import UUID

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None
S = "ticketing"
MAIL_ROLE = app_role("ticketing") + "_mail"


def upgrade() -> None:
    op.create_table(
        "mail_messages",
        sa.Column("tenant_id", sa.String(32), primary_key=True),
        sa.Column("message_id", sa.String(255), primary_key=True),
        sa.Column("direction", sa.String(3), nullable=False),
        sa.Column("ticket_id", UUID(as_uuid=True), sa.ForeignKey(f"{S}.tickets.id", ondelete="CASCADE")),
        sa.Column("comment_id", sa.BigInteger),
        sa.Column("sender", sa.String(255), nullable=False),
        sa.Column("subject", sa.Text, nullable=False, server_default=""),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint("direction IN ('in', 'out')", name="mail_direction"),
        schema=S,
    )
    op.create_index("mail_messages_ticket", "mail_messages", ["tenant_id", "ticket_id", "at"], schema=S)
    enable_tenant_rls(op, f"{S}.mail_messages")
    op.add_column("ticket_comments", sa.Column("quoted", sa.Text), schema=S)
    ensure_acting_role(op, MAIL_ROLE, S)
    allow_listing_tenants(op, MAIL_ROLE, S, "tenants_mail")


def downgrade() -> None:
    revoke_listing_tenants(op, MAIL_ROLE, S, "tenants_mail")
    op.drop_column("ticket_comments", "quoted", schema=S)
    op.drop_table("mail_messages", schema=S)
