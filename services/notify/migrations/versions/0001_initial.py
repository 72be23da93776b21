"""notifications, delivery queue, outbox, inbox, tenant registry

Revision ID: 0001
Revises:
"""
import sqlalchemy as sa
from alembic import op
from opspact.db.migrations import create_infrastructure_tables, enable_tenant_rls

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None
S = "notify"


def upgrade() -> None:
    create_infrastructure_tables(op, S)
    op.create_table(
        "notifications",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("tenant_id", sa.String(32), nullable=False),
        sa.Column("source_event_id", sa.String(64), nullable=False),
        sa.Column("source_event_type", sa.String(128), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("recipient", sa.String(128), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False, server_default="pending"),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("last_error", sa.Text),
        sa.Column("provider_message_id", sa.String(128)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("sent_at", sa.DateTime(timezone=True)),
        schema=S,
    )
    op.create_index("notifications_once", "notifications",
                    ["tenant_id", "source_event_id", "channel", "recipient"], unique=True, schema=S)
    op.create_index("notifications_tenant_created", "notifications", ["tenant_id", "created_at"],
                    schema=S)
    op.create_table(
        "delivery_queue",
        sa.Column("notification_id", sa.Uuid, primary_key=True),
        sa.Column("tenant_id", sa.String(32), nullable=False),
        sa.Column("not_before", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        schema=S,
    )
    op.create_index("ix_notify_delivery_queue_not_before", "delivery_queue", ["not_before"], schema=S)
    enable_tenant_rls(op, f"{S}.notifications")


def downgrade() -> None:
    for table in ("delivery_queue", "notifications", "tenants", "inbox", "outbox"):
        op.drop_table(table, schema=S)
