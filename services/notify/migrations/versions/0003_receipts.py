"""delivery receipts (providers' reports), reconciliation mark on messages, the receipt
watch's acting role

Revision ID: 0003
Revises: 0002
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

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None
S = "notify"
TS = sa.DateTime(timezone=True)
WATCH_ROLE = app_role("notify") + "_watch"


def upgrade() -> None:
    op.add_column("notifications", sa.Column("receipt_checked_at", TS), schema=S)
    op.create_table(
        "delivery_receipts",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("tenant_id", sa.String(32), nullable=False),
        sa.Column("provider", sa.String(32), nullable=False),
        sa.Column("provider_message_id", sa.String(128), nullable=False),
        sa.Column("out_id", sa.String(64)),
        sa.Column("recipient", sa.String(32)),
        sa.Column("delivered", sa.Boolean, nullable=False),
        sa.Column("code", sa.String(64), nullable=False, server_default=""),
        sa.Column("description", sa.Text),
        sa.Column("reported_at", TS),
        sa.Column("received_at", TS, nullable=False, server_default=sa.func.now()),
        sa.Column("state", sa.String(16), nullable=False, server_default="pending"),
        sa.Column("notification_id", sa.Uuid),
        sa.Column("note", sa.Text),
        schema=S,
    )
    op.create_index("delivery_receipts_once", "delivery_receipts",
                    ["tenant_id", "provider", "provider_message_id", "delivered", "code"],
                    unique=True, schema=S)
    op.create_index("delivery_receipts_pending", "delivery_receipts",
                    ["tenant_id", "state", "received_at"], schema=S)
    enable_tenant_rls(op, f"{S}.delivery_receipts")
    # The receipt watch goes through every tenant: it may only list them as this NOLOGIN
    # role; the rest it does bound to one tenant, under the ordinary policies.
    ensure_acting_role(op, WATCH_ROLE, S)
    allow_listing_tenants(op, WATCH_ROLE, S, "tenants_watch")


def downgrade() -> None:
    revoke_listing_tenants(op, WATCH_ROLE, S, "tenants_watch")
    op.drop_table("delivery_receipts", schema=S)
    op.drop_column("notifications", "receipt_checked_at", schema=S)
