"""Scans of each person's signed documents and background check (xinjiang 1.5-1)

Revision ID: 0008
Revises: 0007
"""
import sqlalchemy as sa
from alembic import op
from opspact.db.migrations import enable_tenant_rls

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None
S = "inventory"


def upgrade() -> None:
    op.create_table(
        "staff_documents",
        sa.Column("id", sa.BigInteger, sa.Identity(always=True), primary_key=True),
        sa.Column("tenant_id", sa.String(32), nullable=False),
        sa.Column("staff", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("signed_on", sa.Date, nullable=False),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("content_type", sa.String(128), nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("content", sa.LargeBinary, nullable=False),
        sa.Column("uploaded_by", sa.String(100), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.ForeignKeyConstraint(["tenant_id", "staff"], [f"{S}.staff.tenant_id", f"{S}.staff.code"]),
        sa.CheckConstraint("size > 0", name="staff_document_size"),
        schema=S,
    )
    op.create_index("staff_documents_person", "staff_documents", ["tenant_id", "staff", "kind", "id"],
                    schema=S)
    # scans are stored as they are: compressing JPEGs and PDFs again gains nothing
    op.execute(f"ALTER TABLE {S}.staff_documents ALTER COLUMN content SET STORAGE EXTERNAL")
    enable_tenant_rls(op, f"{S}.staff_documents")


def downgrade() -> None:
    op.drop_table("staff_documents", schema=S)
