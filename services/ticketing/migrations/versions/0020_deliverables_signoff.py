"""Deliverables the contracts name (交付物) with their uploaded versions, and the client's
sign-off (签收/验收) of a deliverable's version, an archived report or a service record

Revision ID: 0020
Revises: 0019
"""
import sqlalchemy as sa
from alembic import op
from opspact.db.migrations import enable_tenant_rls

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None
S = "ticketing"


def upgrade() -> None:
    op.create_table(
        "deliverables",
        sa.Column("id", sa.BigInteger, sa.Identity(always=True), primary_key=True),
        sa.Column("tenant_id", sa.String(32), nullable=False),
        sa.Column("code", sa.String(48), nullable=False),
        sa.Column("period", sa.String(10), nullable=False),  # 'once', or the month / service year
        sa.Column("due_announced_at", sa.DateTime(timezone=True)),
        sa.Column("overdue_announced_at", sa.DateTime(timezone=True)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.UniqueConstraint("tenant_id", "code", "period", name="deliverables_one_per_period"),
        schema=S,
    )
    enable_tenant_rls(op, f"{S}.deliverables")
    op.create_table(
        "deliverable_versions",
        sa.Column("id", sa.BigInteger, sa.Identity(always=True), primary_key=True),
        sa.Column("tenant_id", sa.String(32), nullable=False),
        sa.Column("deliverable_id", sa.BigInteger,
                  sa.ForeignKey(f"{S}.deliverables.id", ondelete="CASCADE"), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("content_type", sa.String(128), nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("store", sa.String(16), nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("submitted_by", sa.String(100), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.UniqueConstraint("deliverable_id", "version", name="deliverable_versions_numbered"),
        sa.CheckConstraint("size > 0", name="deliverable_version_size"),
        schema=S,
    )
    enable_tenant_rls(op, f"{S}.deliverable_versions")
    op.create_table(
        "signoffs",
        sa.Column("id", sa.BigInteger, sa.Identity(always=True), primary_key=True),
        sa.Column("tenant_id", sa.String(32), nullable=False),
        sa.Column("subject", sa.String(16), nullable=False),
        sa.Column("subject_id", sa.BigInteger, nullable=False),
        sa.Column("part", sa.String(8)),  # an archived report: the file signed (pdf | docx)
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("decision", sa.String(8), nullable=False),
        sa.Column("comment", sa.Text),
        sa.Column("signed_by", sa.String(100), nullable=False),
        sa.Column("method", sa.String(8), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.UniqueConstraint("tenant_id", "subject", "subject_id", name="signoffs_once"),
        # a service record is signed per resolution (a timeline entry) or work-log entry
        sa.CheckConstraint("subject IN ('deliverable', 'report', 'service_record', 'worklog_record')",
                           name="signoff_subject"),
        sa.CheckConstraint("decision IN ('accepted', 'rejected')", name="signoff_decision"),
        sa.CheckConstraint("method IN ('token', 'pki')", name="signoff_method"),
        sa.CheckConstraint("decision = 'accepted' OR comment IS NOT NULL", name="signoff_rejection_reason"),
        schema=S,
    )
    enable_tenant_rls(op, f"{S}.signoffs")


def downgrade() -> None:
    op.drop_table("signoffs", schema=S)
    op.drop_table("deliverable_versions", schema=S)
    op.drop_table("deliverables", schema=S)
