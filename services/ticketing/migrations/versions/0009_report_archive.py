"""The report archive: each periodic report published once its period ended, as DOCX and
PDF with their SHA-256 (the copy the client stamps and the one kept for acceptance)

Revision ID: 0009
Revises: 0008
"""
import sqlalchemy as sa
from alembic import op
from opspact.db.migrations import enable_tenant_rls

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None
S = "ticketing"


def upgrade() -> None:
    op.create_table(
        "report_archives",
        sa.Column("id", sa.BigInteger, sa.Identity(always=True), primary_key=True),
        sa.Column("tenant_id", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("period", sa.String(10), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("label", sa.String(100), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("first_day", sa.Date, nullable=False),
        sa.Column("last_day", sa.Date, nullable=False),
        sa.Column("reason", sa.Text, nullable=True),
        sa.Column("published_by", sa.String(100), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.UniqueConstraint("tenant_id", "kind", "period", "version", name="report_archives_version_uq"),
        schema=S,
    )
    op.create_table(
        "report_files",
        sa.Column("archive_id", sa.BigInteger, sa.ForeignKey(f"{S}.report_archives.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("format", sa.String(8), primary_key=True),
        sa.Column("tenant_id", sa.String(32), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("content", sa.LargeBinary, nullable=False),
        schema=S,
    )
    for table in ("report_archives", "report_files"):
        enable_tenant_rls(op, f"{S}.{table}")


def downgrade() -> None:
    op.drop_table("report_files", schema=S)
    op.drop_table("report_archives", schema=S)
