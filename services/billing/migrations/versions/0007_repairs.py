"""The repair register: each repair and who bears it under the contract (beijing 三2(4))

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
S = "billing"


def upgrade() -> None:
    op.create_table(
        "repairs",
        sa.Column("id", sa.BigInteger, sa.Identity(always=True), primary_key=True),
        sa.Column("tenant_id", sa.String(32), nullable=False),
        sa.Column("reference", sa.String(64), nullable=False),
        sa.Column("asset_code", sa.String(64), nullable=False),
        sa.Column("parts", sa.Text, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("amount", sa.Numeric(14, 2), nullable=False),
        sa.Column("repaired_on", sa.Date, nullable=False),
        sa.Column("contract_year", sa.Integer, nullable=False),
        sa.Column("ticket_number", sa.String(32)),
        sa.Column("borne_by", sa.String(8), nullable=False),
        sa.Column("clause", sa.Text, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("recorded_by", sa.String(200), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.UniqueConstraint("tenant_id", "reference", name="repairs_reference_uq"),
        sa.CheckConstraint("amount > 0", name="repair_amount_positive"),
        sa.CheckConstraint("kind IN ('parts', 'consumables', 'manufacturer')", name="repair_kind"),
        sa.CheckConstraint("borne_by IN ('vendor', 'client')", name="repair_borne_by"),
        schema=S,
    )
    op.create_index("repairs_by_year", "repairs", ["tenant_id", "contract_year", "repaired_on"],
                    schema=S)
    enable_tenant_rls(op, f"{S}.repairs")


def downgrade() -> None:
    op.drop_table("repairs", schema=S)
