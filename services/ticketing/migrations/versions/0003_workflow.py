"""Workflow: assignee, status changes on the timeline, pauses kept per clock, and the
scheduler's cross-tenant role

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op
from opspact.db.bootstrap import app_role
from opspact.db.migrations import ensure_acting_role
from sqlalchemy.dialects.postgresql import JSONB

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None
S = "ticketing"
SLA_ROLE = app_role(S) + "_sla"


def upgrade() -> None:
    op.add_column("tickets", sa.Column("assignee", sa.String(100)), schema=S)
    op.create_index("tickets_tenant_assignee", "tickets", ["tenant_id", "assignee"], schema=S)
    op.add_column("ticket_timeline", sa.Column("from_status", sa.String(32)), schema=S)
    op.add_column("ticket_timeline", sa.Column("to_status", sa.String(32)), schema=S)
    # Each pause as [from, to]: a clock recomputed for another target or schedule
    # counts its pauses again on that schedule, so paused time survives any change.
    op.add_column("ticket_sla_clocks", sa.Column("pauses", JSONB, nullable=False,
                                                 server_default=sa.text("'[]'::jsonb")), schema=S)
    op.drop_constraint("ticket_sla_clocks_state", "ticket_sla_clocks", schema=S)
    op.create_check_constraint(
        "ticket_sla_clocks_state", "ticket_sla_clocks",
        "state IN ('running', 'paused', 'met', 'breached', 'calendar_missing', 'cancelled')",
        schema=S)
    # The SLA scheduler watches every tenant's deadlines. It enters this role with
    # SET LOCAL ROLE for its own transactions only; the role sees all tenants' clocks
    # and tickets but may change nothing except the clocks' warned/breached marks.
    ensure_acting_role(op, SLA_ROLE, S)
    op.execute(f"GRANT SELECT ON {S}.tickets TO {SLA_ROLE}")
    op.execute(f"GRANT SELECT, UPDATE (warned_at, breached_at) ON {S}.ticket_sla_clocks TO {SLA_ROLE}")
    # SELECT (seq): the insert returns the new row's key.
    op.execute(f"GRANT INSERT, SELECT (seq) ON {S}.outbox TO {SLA_ROLE}")
    # A policy TO a role also applies to the role's members, and the app role is one:
    # the predicate checks who is acting now, so only after SET ROLE does it admit rows.
    acting = f"current_user = '{SLA_ROLE}'"
    op.execute(f"CREATE POLICY tickets_sla_scheduler ON {S}.tickets FOR SELECT "
               f"TO {SLA_ROLE} USING ({acting})")
    op.execute(f"CREATE POLICY ticket_sla_clocks_sla_scheduler ON {S}.ticket_sla_clocks "
               f"TO {SLA_ROLE} USING ({acting}) WITH CHECK ({acting})")


def downgrade() -> None:
    op.execute(f"DROP POLICY ticket_sla_clocks_sla_scheduler ON {S}.ticket_sla_clocks")
    op.execute(f"DROP POLICY tickets_sla_scheduler ON {S}.tickets")
    op.execute(f"REVOKE ALL ON ALL TABLES IN SCHEMA {S} FROM {SLA_ROLE}")
    op.execute(f"REVOKE USAGE ON SCHEMA {S} FROM {SLA_ROLE}")
    op.drop_constraint("ticket_sla_clocks_state", "ticket_sla_clocks", schema=S)
    op.create_check_constraint(
        "ticket_sla_clocks_state", "ticket_sla_clocks",
        "state IN ('running', 'paused', 'met', 'breached', 'calendar_missing')", schema=S)
    op.drop_column("ticket_sla_clocks", "pauses", schema=S)
    op.drop_column("ticket_timeline", "to_status", schema=S)
    op.drop_column("ticket_timeline", "from_status", schema=S)
    op.drop_index("tickets_tenant_assignee", "tickets", schema=S)
    op.drop_column("tickets", "assignee", schema=S)
