"""Recorded contract dates, the damages inputs and the liquidated-damages ledger

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op
from opspact.db.migrations import enable_tenant_rls
from sqlalchemy.dialects.postgresql import JSONB

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None
S = "billing"
MONEY = sa.Numeric(14, 2)


def upgrade() -> None:
    op.create_table(
        "contract_dates",
        sa.Column("tenant_id", sa.String(32), primary_key=True),
        sa.Column("kind", sa.String(16), primary_key=True),
        sa.Column("on", sa.Date, nullable=False),
        sa.Column("evidence", sa.Text, nullable=False),
        sa.Column("recorded_by", sa.String(200), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
        sa.CheckConstraint("kind IN ('acceptance', 'delivery')", name="contract_dates_kind"),
        schema=S,
    )
    # Every event the damages rules may count, kept: the ledger is re-assessed from them.
    op.create_table(
        "damage_inputs",
        sa.Column("tenant_id", sa.String(32), primary_key=True),
        sa.Column("event_id", sa.String(64), primary_key=True),
        sa.Column("type", sa.String(128), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("data", JSONB, nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
        schema=S,
    )
    op.create_table(
        "ledger_entries",
        sa.Column("tenant_id", sa.String(32), primary_key=True),
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("rule", sa.String(48), nullable=False),
        sa.Column("clause", sa.Text, nullable=False),
        sa.Column("event_ids", JSONB, nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("computation", sa.Text, nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("counted_amount", MONEY, nullable=False),
        sa.Column("days", sa.Integer),
        sa.Column("accruing", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("termination_right", sa.Text),
        sa.Column("state", sa.String(16), nullable=False, server_default="proposed"),
        sa.Column("decided_by", sa.String(200)),
        sa.Column("decided_at", sa.DateTime(timezone=True)),
        sa.Column("reason", sa.Text),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
        sa.CheckConstraint("state IN ('proposed', 'confirmed', 'waived', 'deducted')",
                           name="ledger_entries_state"),
        sa.CheckConstraint("amount >= 0 AND counted_amount >= 0 AND counted_amount <= amount",
                           name="ledger_entries_amounts"),
        schema=S,
    )
    op.create_index("ledger_entries_by_time", "ledger_entries", ["tenant_id", "occurred_at"],
                    schema=S)
    for table in ("contract_dates", "damage_inputs", "ledger_entries"):
        enable_tenant_rls(op, f"{S}.{table}")


def downgrade() -> None:
    for table in ("ledger_entries", "damage_inputs", "contract_dates"):
        op.drop_table(table, schema=S)
