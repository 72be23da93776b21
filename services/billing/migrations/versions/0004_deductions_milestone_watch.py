"""Damages deducted from a milestone, the milestone watch's notices and its acting role

Revision ID: 0004
Revises: 0003
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

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None
S = "billing"
WATCH_ROLE = app_role(S) + "_watch"


def upgrade() -> None:
    # A confirmed entry is deducted from one milestone's payment (从应付款中扣除).
    op.add_column("ledger_entries", sa.Column("deducted_from", sa.String(32)), schema=S)
    op.add_column("ledger_entries", sa.Column("deducted_at", sa.DateTime(timezone=True)), schema=S)
    op.add_column("ledger_entries", sa.Column("deducted_by", sa.String(200)), schema=S)
    op.create_check_constraint(
        "ledger_entries_deduction", "ledger_entries",
        "(state = 'deducted') = (deducted_from IS NOT NULL AND deducted_at IS NOT NULL)", schema=S)
    op.create_index("ledger_entries_deducted", "ledger_entries", ["tenant_id", "deducted_from"],
                    schema=S, postgresql_where=sa.text("state = 'deducted'"))
    # One announcement per milestone, kind and due date: a corrected acceptance date
    # moves the due date, and the new one is announced again.
    op.create_table(
        "milestone_notices",
        sa.Column("tenant_id", sa.String(32), primary_key=True),
        sa.Column("milestone", sa.String(32), primary_key=True),
        sa.Column("kind", sa.String(16), primary_key=True),
        sa.Column("due_on", sa.Date, primary_key=True),
        sa.Column("announced_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
        sa.CheckConstraint("kind IN ('due', 'overdue')", name="milestone_notices_kind"),
        schema=S,
    )
    enable_tenant_rls(op, f"{S}.milestone_notices")
    ensure_acting_role(op, WATCH_ROLE, S)
    allow_listing_tenants(op, WATCH_ROLE, S, "tenants_watch")


def downgrade() -> None:
    revoke_listing_tenants(op, WATCH_ROLE, S, "tenants_watch")
    op.drop_table("milestone_notices", schema=S)
    op.drop_index("ledger_entries_deducted", "ledger_entries", schema=S)
    op.drop_constraint("ledger_entries_deduction", "ledger_entries", schema=S)
    for column in ("deducted_by", "deducted_at", "deducted_from"):
        op.drop_column("ledger_entries", column, schema=S)
