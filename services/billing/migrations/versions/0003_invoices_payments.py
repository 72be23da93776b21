"""Invoices and payments against the payment milestones

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op
from opspact.db.migrations import enable_tenant_rls

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None
S = "billing"
MONEY = sa.Numeric(14, 2)


def upgrade() -> None:
    op.create_table(
        "invoices",
        sa.Column("id", sa.BigInteger, sa.Identity(always=True), primary_key=True),
        sa.Column("tenant_id", sa.String(32), nullable=False),
        sa.Column("milestone", sa.String(32), nullable=False),
        sa.Column("number", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("issued_on", sa.Date, nullable=False),
        sa.Column("recorded_by", sa.String(200), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("voided_at", sa.DateTime(timezone=True)),
        sa.Column("void_reason", sa.Text),
        sa.UniqueConstraint("tenant_id", "number", name="invoices_number_uq"),
        sa.CheckConstraint("amount > 0", name="invoice_amount_positive"),
        sa.CheckConstraint("kind IN ('vat_special', 'vat_normal')", name="invoice_kind"),
        schema=S,
    )
    op.create_table(
        "payments",
        sa.Column("id", sa.BigInteger, sa.Identity(always=True), primary_key=True),
        sa.Column("tenant_id", sa.String(32), nullable=False),
        sa.Column("milestone", sa.String(32), nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("received_on", sa.Date, nullable=False),
        sa.Column("reference", sa.String(64), nullable=False),
        sa.Column("recorded_by", sa.String(200), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        # One reference, one payment: a bank slip entered twice is the same payment.
        sa.UniqueConstraint("tenant_id", "reference", name="payments_reference_uq"),
        sa.CheckConstraint("amount > 0", name="payment_amount_positive"),
        schema=S,
    )
    for table in ("invoices", "payments"):
        enable_tenant_rls(op, f"{S}.{table}")


def downgrade() -> None:
    op.drop_table("payments", schema=S)
    op.drop_table("invoices", schema=S)
