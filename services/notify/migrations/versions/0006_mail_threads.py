"""An email that answers a thread: the headers that keep it in the thread

Revision ID: 0006
Revises: 0005
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # {message_id, in_reply_to, references, subject, reply_to}: set for a reply to a
    # ticket that came by mail, so the reporter's mail program threads it
    op.add_column("notifications", sa.Column("mail_thread", JSONB), schema="notify")


def downgrade() -> None:
    op.drop_column("notifications", "mail_thread", schema="notify")
