"""SLA clocks per ticket, indexed by what the scheduler looks for

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op
from opspact.db.migrations import enable_tenant_rls

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None
S = "ticketing"


def upgrade() -> None:
    op.create_table(
        "ticket_sla_clocks",
        sa.Column("id", sa.BigInteger, sa.Identity(always=True), primary_key=True),
        sa.Column("tenant_id", sa.String(32), nullable=False),
        sa.Column("ticket_id", sa.Uuid, sa.ForeignKey(f"{S}.tickets.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("clock", sa.String(32), nullable=False),
        sa.Column("policy", sa.String(64), nullable=False),
        sa.Column("target", sa.String(32), nullable=False),
        sa.Column("clause", sa.Text, nullable=False),
        sa.Column("schedule", sa.String(16), nullable=False),
        sa.Column("stops_at", sa.String(32), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True)),
        sa.Column("warn_at", sa.DateTime(timezone=True)),
        sa.Column("missing_year", sa.Integer),
        sa.Column("paused_total", sa.Interval, nullable=False, server_default=sa.text("'0'")),
        sa.Column("paused_since", sa.DateTime(timezone=True)),
        sa.Column("stopped_at", sa.DateTime(timezone=True)),
        sa.Column("warned_at", sa.DateTime(timezone=True)),
        sa.Column("breached_at", sa.DateTime(timezone=True)),
        sa.CheckConstraint("state IN ('running', 'paused', 'met', 'breached', 'calendar_missing')",
                           name="ticket_sla_clocks_state"),
        sa.UniqueConstraint("ticket_id", "clock", name="ticket_sla_clocks_ticket_clock"),
        schema=S,
    )
    # The scheduler reads only the head of these two partial indexes.
    op.create_index("ticket_sla_clocks_due", "ticket_sla_clocks", ["due_at"], schema=S,
                    postgresql_where=sa.text("state = 'running' AND breached_at IS NULL"))
    op.create_index("ticket_sla_clocks_warn", "ticket_sla_clocks", ["warn_at"], schema=S,
                    postgresql_where=sa.text("state = 'running' AND warned_at IS NULL"))
    enable_tenant_rls(op, f"{S}.ticket_sla_clocks")


def downgrade() -> None:
    op.drop_table("ticket_sla_clocks", schema=S)
