"""Contract dates: the client's budget approval (beijing 三2(6)), on which payments wait

Revision ID: 0006
Revises: 0005
"""
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_constraint("contract_dates_kind", "contract_dates", schema="billing", type_="check")
    op.create_check_constraint("contract_dates_kind", "contract_dates",
                               "kind IN ('acceptance', 'delivery', 'budget_approval')",
                               schema="billing")


def downgrade() -> None:
    op.execute("DELETE FROM billing.contract_dates WHERE kind = 'budget_approval'")
    op.drop_constraint("contract_dates_kind", "contract_dates", schema="billing", type_="check")
    op.create_check_constraint("contract_dates_kind", "contract_dates",
                               "kind IN ('acceptance', 'delivery')", schema="billing")
