"""Assets and their relations

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
S = "inventory"


def upgrade() -> None:
    op.create_table(
        "assets",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("tenant_id", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("attributes", JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
        sa.Column("status", sa.String(16), nullable=False, server_default="active"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
        sa.Column("retired_at", sa.DateTime(timezone=True)),
        sa.CheckConstraint("status IN ('active', 'retired')", name="assets_status"),
        sa.UniqueConstraint("tenant_id", "code", name="assets_tenant_code"),  # the natural key
        schema=S,
    )
    op.create_index("assets_tenant_kind", "assets", ["tenant_id", "kind"], schema=S)
    op.create_table(
        "asset_relations",
        sa.Column("id", sa.BigInteger, sa.Identity(always=True), primary_key=True),
        sa.Column("tenant_id", sa.String(32), nullable=False),
        sa.Column("from_asset", sa.Uuid, sa.ForeignKey(f"{S}.assets.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("to_asset", sa.Uuid, sa.ForeignKey(f"{S}.assets.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("type", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
        sa.CheckConstraint("from_asset <> to_asset", name="asset_relations_not_self"),
        sa.CheckConstraint("type IN ('runs_on', 'depends_on', 'part_of', 'connects_to')",
                           name="asset_relations_type"),
        sa.UniqueConstraint("from_asset", "to_asset", "type", name="asset_relations_once"),
        schema=S,
    )
    # The impact walk goes from a failed asset to whatever points at it.
    op.create_index("asset_relations_to", "asset_relations", ["tenant_id", "to_asset"], schema=S)
    op.create_index("asset_relations_from", "asset_relations", ["tenant_id", "from_asset"],
                    schema=S)
    enable_tenant_rls(op, f"{S}.assets")
    enable_tenant_rls(op, f"{S}.asset_relations")


def downgrade() -> None:
    op.drop_table("asset_relations", schema=S)
    op.drop_table("assets", schema=S)
