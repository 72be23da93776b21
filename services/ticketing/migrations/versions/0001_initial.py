"""tickets, timeline, outbox, inbox, tenant registry

Revision ID: 0001
Revises:
"""
import sqlalchemy as sa
from alembic import op
from opspact.db.migrations import create_infrastructure_tables, enable_tenant_rls

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None
S = "ticketing"


def upgrade() -> None:
    create_infrastructure_tables(op, S)
    op.create_table(
        "tickets",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("seq", sa.BigInteger, sa.Identity(always=True), nullable=False, unique=True),
        sa.Column("tenant_id", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("priority", sa.String(8), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("system_code", sa.String(64), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("description", sa.Text, nullable=False, server_default=""),
        sa.Column("reporter", sa.String(100)),
        sa.Column("source", sa.String(32)),
        sa.Column("external_id", sa.String(128)),
        sa.Column("idempotency_key", sa.String(128)),
        sa.Column("request_hash", sa.String(64)),
        sa.Column("occurrences", sa.Integer, nullable=False, server_default="1"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        schema=S,
    )
    op.create_index("tickets_external_uq", "tickets", ["tenant_id", "source", "external_id"],
                    unique=True, schema=S, postgresql_where=sa.text("external_id IS NOT NULL"))
    op.create_index("tickets_idempotency_uq", "tickets", ["tenant_id", "idempotency_key"],
                    unique=True, schema=S, postgresql_where=sa.text("idempotency_key IS NOT NULL"))
    op.create_index("tickets_tenant_created", "tickets", ["tenant_id", "created_at"], schema=S)
    op.create_index("tickets_tenant_status", "tickets", ["tenant_id", "status"], schema=S)
    op.create_table(
        "ticket_timeline",
        sa.Column("id", sa.BigInteger, sa.Identity(always=True), primary_key=True),
        sa.Column("tenant_id", sa.String(32), nullable=False),
        sa.Column("ticket_id", sa.Uuid, sa.ForeignKey(f"{S}.tickets.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("note", sa.Text, nullable=False, server_default=""),
        schema=S,
    )
    op.create_index("ticket_timeline_ticket", "ticket_timeline", ["tenant_id", "ticket_id", "at"],
                    schema=S)
    enable_tenant_rls(op, f"{S}.tickets")
    enable_tenant_rls(op, f"{S}.ticket_timeline")


def downgrade() -> None:
    for table in ("ticket_timeline", "tickets", "tenants", "inbox", "outbox"):
        op.drop_table(table, schema=S)
