"""A ticket's files: their records, and their bytes where PostgreSQL is the store

Revision ID: 0018
Revises: 0017
"""
import sqlalchemy as sa
from alembic import op
from opspact.db.migrations import enable_tenant_rls
from sqlalchemy.dialects.postgresql import UUID

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None
S = "ticketing"


def upgrade() -> None:
    op.create_table(
        "ticket_attachments",
        sa.Column("id", sa.BigInteger, sa.Identity(always=True), primary_key=True),
        sa.Column("tenant_id", sa.String(32), nullable=False),
        sa.Column("ticket_id", UUID(as_uuid=True),
                  sa.ForeignKey(f"{S}.tickets.id", ondelete="CASCADE"), nullable=False),
        sa.Column("comment_id", sa.BigInteger, sa.ForeignKey(f"{S}.ticket_comments.id")),
        sa.Column("visibility", sa.String(8), nullable=False),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("content_type", sa.String(128), nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("store", sa.String(16), nullable=False),
        sa.Column("uploaded_by", sa.String(100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint("visibility IN ('internal', 'public')", name="attachment_visibility"),
        sa.CheckConstraint("size > 0", name="attachment_size"),
        schema=S,
    )
    op.create_index("ticket_attachments_ticket", "ticket_attachments", ["tenant_id", "ticket_id", "id"],
                    schema=S)
    enable_tenant_rls(op, f"{S}.ticket_attachments")
    op.create_table(
        "attachment_blobs",
        sa.Column("tenant_id", sa.String(32), primary_key=True),
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("data", sa.LargeBinary, nullable=False),
        schema=S,
    )
    # the bytes are stored as they are: compressing JPEGs and zips again gains nothing
    op.execute(f"ALTER TABLE {S}.attachment_blobs ALTER COLUMN data SET STORAGE EXTERNAL")
    enable_tenant_rls(op, f"{S}.attachment_blobs")


def downgrade() -> None:
    op.drop_table("attachment_blobs", schema=S)
    op.drop_table("ticket_attachments", schema=S)
