"""Attendance as it happened (check-in and check-out), and the watch's mark of a shift
announced as not checked into

Revision ID: 0007
Revises: 0006
"""
import sqlalchemy as sa
from alembic import op
from opspact.db.migrations import enable_tenant_rls

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None
S = "inventory"


def upgrade() -> None:
    op.create_table(
        "attendance",
        sa.Column("id", sa.BigInteger, sa.Identity(always=True), primary_key=True),
        sa.Column("tenant_id", sa.String(32), nullable=False),
        sa.Column("staff", sa.String(64), nullable=False),
        sa.Column("check_in_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("check_out_at", sa.DateTime(timezone=True)),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("recorded_by", sa.String(100), nullable=False),
        sa.Column("note", sa.Text, nullable=False, server_default=""),
        sa.CheckConstraint("check_out_at IS NULL OR check_out_at > check_in_at", name="attendance_order"),
        schema=S,
    )
    # one open stretch per person; the same check-in is one record
    op.create_index("attendance_open", "attendance", ["tenant_id", "staff"], unique=True, schema=S,
                    postgresql_where=sa.text("check_out_at IS NULL"))
    op.create_index("attendance_staff_in", "attendance", ["tenant_id", "staff", "check_in_at"],
                    unique=True, schema=S)
    enable_tenant_rls(op, f"{S}.attendance")
    op.create_table(
        "attendance_notices",
        sa.Column("tenant_id", sa.String(32), primary_key=True),
        sa.Column("shift_id", sa.BigInteger, primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        schema=S,
    )
    enable_tenant_rls(op, f"{S}.attendance_notices")


def downgrade() -> None:
    op.drop_table("attendance_notices", schema=S)
    op.drop_table("attendance", schema=S)
