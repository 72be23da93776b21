"""Inspection rounds (recorded or missed) with their evidence; the inspection watch's
cross-tenant role

Revision ID: 0006
Revises: 0005
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

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None
S = "ticketing"
WATCH_ROLE = app_role(S) + "_inspections"


def _at(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "inspection_rounds",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("tenant_id", sa.String(32), nullable=False),
        sa.Column("schedule", sa.String(32), nullable=False),
        _at("due_at", False), _at("deadline", False),
        sa.Column("heightened", sa.String(120)),
        sa.Column("inspector", sa.String(100)),
        _at("started_at"), _at("ended_at"),
        sa.Column("recorded_by", sa.String(100)), _at("recorded_at"),
        sa.Column("results", JSONB, nullable=False, server_default=sa.text("'[]'::jsonb")),
        sa.Column("anomalies", sa.Integer, nullable=False, server_default="0"),
        _at("missed_at"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        # One row per planned round: the watch and a late recording race on this key.
        sa.UniqueConstraint("tenant_id", "schedule", "due_at", name="inspection_rounds_planned"),
        sa.CheckConstraint("(recorded_at IS NULL) = (ended_at IS NULL)", name="recorded_has_times"),
        schema=S,
    )
    op.create_index("inspection_rounds_period", "inspection_rounds", ["tenant_id", "due_at"], schema=S)
    op.create_table(
        "inspection_evidence",
        sa.Column("id", sa.BigInteger, sa.Identity(always=True), primary_key=True),
        sa.Column("tenant_id", sa.String(32), nullable=False),
        sa.Column("round_id", sa.Uuid, sa.ForeignKey(f"{S}.inspection_rounds.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("item", sa.String(100), nullable=False),
        sa.Column("filename", sa.String(200)),
        sa.Column("content_type", sa.String(64), nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("content", sa.LargeBinary, nullable=False),
        sa.Column("uploaded_by", sa.String(100), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("note", sa.Text),
        schema=S,
    )
    op.create_index("inspection_evidence_round", "inspection_evidence", ["round_id"], schema=S)
    enable_tenant_rls(op, f"{S}.inspection_rounds")
    enable_tenant_rls(op, f"{S}.inspection_evidence")
    # The inspection watch lists the tenants and nothing else across them; each tenant's
    # rounds it reads and writes under the ordinary tenant policy.
    ensure_acting_role(op, WATCH_ROLE, S)
    allow_listing_tenants(op, WATCH_ROLE, S, "tenants_inspections")


def downgrade() -> None:
    revoke_listing_tenants(op, WATCH_ROLE, S, "tenants_inspections")
    op.drop_table("inspection_evidence", schema=S)
    op.drop_table("inspection_rounds", schema=S)
