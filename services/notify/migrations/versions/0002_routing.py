"""routing rules' messages (rule, audience, fallback, reasons), roster read model,
escalations, template versions, SMS quota

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
S = "notify"
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    for column in (
        sa.Column("subject", sa.String(128)), sa.Column("rule", sa.String(64)),
        sa.Column("level", sa.Integer, nullable=False, server_default="0"),
        sa.Column("audience", sa.String(80)), sa.Column("contact", sa.String(64)),
        sa.Column("contact_name", sa.String(50)),
        sa.Column("urgent", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("fallback", JSONB, nullable=False, server_default=sa.text("'[]'::jsonb")),
        sa.Column("title", sa.String(200)), sa.Column("template", sa.String(64)),
        sa.Column("template_version", sa.Integer),
        sa.Column("fields", JSONB, nullable=False, server_default=sa.text("'[]'::jsonb")),
        sa.Column("segments", sa.Integer), sa.Column("reason", sa.Text),
        sa.Column("provider", sa.String(32)), sa.Column("outcome_unknown_since", TS),
        sa.Column("deferred_until", TS), sa.Column("delivered_at", TS),
        sa.Column("acknowledged_at", TS), sa.Column("acknowledged_by", sa.String(128)),
    ):
        op.add_column("notifications", column, schema=S)
    op.execute(f"UPDATE {S}.notifications SET status = 'queued' WHERE status = 'pending'")
    op.alter_column("notifications", "status", server_default="queued", schema=S)
    op.create_index("notifications_recipient_sent", "notifications",
                    ["tenant_id", "recipient", "sent_at"], schema=S)
    op.create_index("notifications_provider_id", "notifications",
                    ["provider", "provider_message_id"], schema=S)

    op.create_table(
        "duty_shifts",
        sa.Column("tenant_id", sa.String(32), primary_key=True),
        sa.Column("shift_id", sa.BigInteger, primary_key=True),
        sa.Column("post", sa.String(64), nullable=False),
        sa.Column("staff", sa.String(64), nullable=False),
        sa.Column("starts_at", TS, nullable=False), sa.Column("ends_at", TS, nullable=False),
        schema=S,
    )
    op.create_index("duty_shifts_when", "duty_shifts", ["tenant_id", "starts_at", "ends_at"], schema=S)

    op.create_table(
        "escalations",
        sa.Column("tenant_id", sa.String(32), primary_key=True),
        sa.Column("source_event_id", sa.String(64), primary_key=True),
        sa.Column("rule", sa.String(64), primary_key=True),
        sa.Column("subject", sa.String(128)),
        sa.Column("event_type", sa.String(128), nullable=False),
        sa.Column("data", JSONB, nullable=False),
        sa.Column("next_level", sa.Integer, nullable=False),
        sa.Column("due_at", TS, nullable=False),
        sa.Column("state", sa.String(16), nullable=False, server_default="waiting"),
        sa.Column("acknowledged_at", TS), sa.Column("acknowledged_by", sa.String(128)),
        sa.Column("created_at", TS, nullable=False, server_default=sa.func.now()),
        schema=S,
    )
    op.create_index("ix_notify_escalations_subject", "escalations", ["subject"], schema=S)
    op.create_table(
        "escalation_due",
        sa.Column("tenant_id", sa.String(32), primary_key=True),
        sa.Column("source_event_id", sa.String(64), primary_key=True),
        sa.Column("rule", sa.String(64), primary_key=True),
        sa.Column("due_at", TS, nullable=False),
        schema=S,
    )
    op.create_index("ix_notify_escalation_due_due_at", "escalation_due", ["due_at"], schema=S)

    op.create_table(
        "template_versions",
        sa.Column("tenant_id", sa.String(32), primary_key=True),
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("version", sa.Integer, primary_key=True),
        sa.Column("fields", JSONB, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("created_by", sa.String(128), nullable=False),
        sa.Column("created_at", TS, nullable=False, server_default=sa.func.now()),
        schema=S,
    )
    op.create_table(
        "sms_quota_usage",
        sa.Column("tenant_id", sa.String(32), primary_key=True),
        sa.Column("year_start", sa.Date, primary_key=True),
        sa.Column("segments", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("warned_at", TS), sa.Column("reached_at", TS),
        schema=S,
    )
    for table in ("duty_shifts", "escalations", "template_versions", "sms_quota_usage"):
        enable_tenant_rls(op, f"{S}.{table}")


def downgrade() -> None:
    for table in ("sms_quota_usage", "template_versions", "escalation_due", "escalations", "duty_shifts"):
        op.drop_table(table, schema=S)
    op.drop_index("notifications_provider_id", "notifications", schema=S)
    op.drop_index("notifications_recipient_sent", "notifications", schema=S)
    op.execute(f"UPDATE {S}.notifications SET status = 'pending' WHERE status = 'queued'")
    op.alter_column("notifications", "status", server_default="pending", schema=S)
    for column in ("acknowledged_by", "acknowledged_at", "delivered_at", "deferred_until",
                   "outcome_unknown_since", "provider", "reason", "segments", "fields",
                   "template_version", "template", "title", "fallback", "urgent", "contact_name",
                   "contact", "audience", "level", "rule", "subject"):
        op.drop_column("notifications", column, schema=S)
