"""Credential custody register, roster-gap notices and the watch's cross-tenant role

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
from sqlalchemy.dialects.postgresql import JSONB

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None
S = "inventory"
WATCH_ROLE = app_role(S) + "_watch"


def upgrade() -> None:
    op.create_table(
        "credentials",
        sa.Column("tenant_id", sa.String(32), primary_key=True),
        sa.Column("code", sa.String(64), primary_key=True),
        sa.Column("asset", sa.String(64), nullable=False),
        sa.Column("account", sa.String(128), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("privilege", sa.String(16), nullable=False),
        sa.Column("custodian", JSONB, nullable=False),
        sa.Column("holders", JSONB, nullable=False, server_default=sa.text("'[]'::jsonb")),
        sa.Column("rotation_interval_days", sa.Integer, nullable=False),
        sa.Column("last_rotated_at", sa.DateTime(timezone=True)),
        sa.Column("rotation_due_at", sa.DateTime(timezone=True), nullable=False),
        # The due instant an overdue event was sent for: one event per due date.
        sa.Column("overdue_announced_for", sa.DateTime(timezone=True)),
        sa.Column("notes", sa.Text),
        sa.Column("status", sa.String(16), nullable=False, server_default="active"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
        sa.CheckConstraint("status IN ('active', 'retired')", name="credentials_status"),
        sa.CheckConstraint("rotation_interval_days BETWEEN 1 AND 3650", name="credentials_interval"),
        sa.UniqueConstraint("tenant_id", "asset", "account", name="credentials_one_per_account"),
        schema=S,
    )
    op.create_index("credentials_overdue_head", "credentials", ["rotation_due_at"], schema=S,
                    postgresql_where=sa.text("status = 'active' AND overdue_announced_for "
                                             "IS DISTINCT FROM rotation_due_at"))
    op.create_table(
        "credential_rotations",
        sa.Column("id", sa.BigInteger, sa.Identity(always=True), primary_key=True),
        sa.Column("tenant_id", sa.String(32), nullable=False),
        sa.Column("credential", sa.String(64), nullable=False),
        sa.Column("rotated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(200), nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
        schema=S,
    )
    op.create_index("credential_rotations_by_credential", "credential_rotations",
                    ["tenant_id", "credential", "rotated_at"], schema=S)
    op.create_table(
        "roster_gap_notices",
        sa.Column("tenant_id", sa.String(32), primary_key=True),
        sa.Column("post", sa.String(64), primary_key=True),
        sa.Column("starts_at", sa.DateTime(timezone=True), primary_key=True),
        sa.Column("ends_at", sa.DateTime(timezone=True), primary_key=True),
        sa.Column("announced_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
        schema=S,
    )
    for table in ("credentials", "credential_rotations", "roster_gap_notices"):
        enable_tenant_rls(op, f"{S}.{table}")

    # The watch looks at every tenant in turn. It may only *list* the tenants (as this
    # NOLOGIN role, entered with SET LOCAL ROLE); everything else it does inside a
    # unit of work bound to one tenant, under the ordinary tenant policies.
    ensure_acting_role(op, WATCH_ROLE, S)
    allow_listing_tenants(op, WATCH_ROLE, S, "tenants_watch")


def downgrade() -> None:
    revoke_listing_tenants(op, WATCH_ROLE, S, "tenants_watch")
    op.drop_table("roster_gap_notices", schema=S)
    op.drop_table("credential_rotations", schema=S)
    op.drop_table("credentials", schema=S)
