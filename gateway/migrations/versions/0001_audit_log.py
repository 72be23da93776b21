"""The gateway's audit log: append-only, each entry chained to the one before

Revision ID: 0001
Revises:
"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None
S = "gateway"


def upgrade() -> None:
    op.create_table(
        "audit_log",
        # Assigned under the chain's lock, 1, 2, 3… (a sequence may skip on rollback,
        # a gap here means an entry was removed).
        sa.Column("position", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        # The entry exactly as hashed (canonical JSON text, not jsonb, which reorders keys).
        sa.Column("entry", sa.Text, nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False, unique=True),
        schema=S,
    )
    # Append-only whatever the grants say: edits and deletes need the owner to drop
    # this trigger first, and `opspact audit verify` still finds what they did.
    op.execute(f"""
        CREATE FUNCTION {S}.audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$""")
    op.execute(f"CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE "
               f"ON {S}.audit_log FOR EACH STATEMENT EXECUTE FUNCTION {S}.audit_log_append_only()")


def downgrade() -> None:
    op.drop_table("audit_log", schema=S)
    op.execute(f"DROP FUNCTION {S}.audit_log_append_only()")
