"""Change requests, the work log, the knowledge base (with Chinese full-text search)
and emergency plans with their drills

Revision ID: 0007
Revises: 0006
"""
import sqlalchemy as sa
from alembic import op
from opspact.db.migrations import enable_tenant_rls
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, TSVECTOR

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None
S = "ticketing"
TABLES = ("changes", "worklog_entries", "knowledge_articles", "knowledge_versions",
          "emergency_plans", "emergency_drills")


def _at(name: str, nullable: bool = True, now: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable,
                     server_default=sa.func.now() if now else None)


def _text(name: str, nullable: bool = False, length: int | None = None) -> sa.Column:
    return sa.Column(name, sa.String(length) if length else sa.Text, nullable=nullable)


def _array(name: str, length: int) -> sa.Column:
    return sa.Column(name, ARRAY(sa.String(length)), nullable=False, server_default="{}")


def upgrade() -> None:
    op.create_table(
        "changes",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("seq", sa.BigInteger, sa.Identity(always=True), nullable=False, unique=True),
        _text("tenant_id", length=32), _text("kind", length=32), _text("risk", length=8),
        _text("system_code", length=64), _text("title", length=200), _text("description"),
        _text("plan"), _text("rollback_plan"), _at("window_start", False), _at("window_end", False),
        _text("status", length=16),
        sa.Column("chain", JSONB, nullable=False),
        sa.Column("decisions", JSONB, nullable=False, server_default=sa.text("'[]'::jsonb")),
        sa.Column("next_step", sa.Integer, nullable=False, server_default="0"),
        _text("submitted_by", length=100), _at("started_at"), _text("implemented_by", True, 100),
        _at("finished_at"), _text("result_note", True), _text("idempotency_key", True, 128),
        _at("created_at", False, True), _at("updated_at", False, True),
        schema=S,
    )
    op.create_index("changes_tenant_status", "changes", ["tenant_id", "status"], schema=S)
    op.create_index("changes_idempotency_uq", "changes", ["tenant_id", "idempotency_key"], unique=True,
                    schema=S, postgresql_where=sa.text("idempotency_key IS NOT NULL"))
    op.create_table(
        "worklog_entries",
        sa.Column("id", sa.BigInteger, sa.Identity(always=True), primary_key=True),
        _text("tenant_id", length=32), _text("category", length=32), _at("occurred_at", False),
        _text("system_code", True, 64), _text("initiator", length=100), _text("handler", length=100),
        _text("handling"), _text("feedback", True),
        sa.Column("minutes_spent", sa.Integer, nullable=False),
        sa.Column("ticket_id", sa.Uuid, sa.ForeignKey(f"{S}.tickets.id", ondelete="SET NULL")),
        _text("created_by", length=100), _at("created_at", False, True),
        sa.CheckConstraint("minutes_spent >= 0", name="worklog_minutes_not_negative"),
        schema=S,
    )
    op.create_index("worklog_tenant_occurred", "worklog_entries", ["tenant_id", "occurred_at"], schema=S)
    op.create_table(
        "knowledge_articles",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("seq", sa.BigInteger, sa.Identity(always=True), nullable=False, unique=True),
        _text("tenant_id", length=32),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        _text("title", length=200), _text("background"), _text("applies_to"), _text("summary"),
        _array("systems", 64),
        sa.Column("ticket_ids", ARRAY(sa.Uuid), nullable=False, server_default="{}"),
        _array("tags", 32), _text("title_terms"), _text("body_terms"),
        sa.Column("terms", TSVECTOR, sa.Computed(
            "setweight(array_to_tsvector(array_remove(string_to_array(title_terms, ' '), '')), 'A') || "
            "setweight(array_to_tsvector(array_remove(string_to_array(body_terms, ' '), '')), 'B')",
            persisted=True)),
        _text("updated_by", length=100), _at("created_at", False, True), _at("updated_at", False, True),
        schema=S,
    )
    op.create_index("knowledge_terms", "knowledge_articles", ["terms"], postgresql_using="gin", schema=S)
    op.create_table(
        "knowledge_versions",
        sa.Column("article_id", sa.Uuid, sa.ForeignKey(f"{S}.knowledge_articles.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("version", sa.Integer, primary_key=True),
        _text("tenant_id", length=32), _text("title", length=200), _text("background"),
        _text("applies_to"), _text("summary"), _array("systems", 64),
        _text("edited_by", length=100), _at("edited_at", False, True), _text("note", True),
        schema=S,
    )
    op.create_table(
        "emergency_plans",
        sa.Column("id", sa.Uuid, primary_key=True),
        _text("tenant_id", length=32), _text("code", length=32), _text("category", length=32),
        _text("title", length=200), _text("scenario"), _text("response_steps"), _text("roles"),
        _array("systems", 64),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        sa.Column("drill_every_days", sa.Integer),
        _text("updated_by", length=100), _at("created_at", False, True), _at("updated_at", False, True),
        sa.UniqueConstraint("tenant_id", "code", name="emergency_plans_code_uq"),
        schema=S,
    )
    op.create_table(
        "emergency_drills",
        sa.Column("id", sa.BigInteger, sa.Identity(always=True), primary_key=True),
        _text("tenant_id", length=32),
        sa.Column("plan_id", sa.Uuid, sa.ForeignKey(f"{S}.emergency_plans.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("held_on", sa.Date, nullable=False),
        sa.Column("plan_version", sa.Integer, nullable=False),
        _array("participants", 100), _text("scenario"), _text("outcome", length=16), _text("findings"),
        sa.Column("minutes_spent", sa.Integer),
        _text("recorded_by", length=100), _at("recorded_at", False, True),
        schema=S,
    )
    op.create_index("emergency_drills_plan", "emergency_drills", ["plan_id", "held_on"], schema=S)
    for table in TABLES:
        enable_tenant_rls(op, f"{S}.{table}")


def downgrade() -> None:
    for table in reversed(TABLES):
        op.drop_table(table, schema=S)
