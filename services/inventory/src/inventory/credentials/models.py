from datetime import datetime

from sqlalchemy import BigInteger, DateTime, Identity, Integer, String, Text, func, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from inventory.tables import Base


class Credential(Base):
    """An account on a system and who keeps it — never the secret itself."""
    __tablename__ = "credentials"

    tenant_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    asset: Mapped[str] = mapped_column(String(64))
    account: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(32))
    privilege: Mapped[str] = mapped_column(String(16))
    custodian: Mapped[dict] = mapped_column(JSONB)
    holders: Mapped[list] = mapped_column(JSONB, server_default=text("'[]'::jsonb"))
    rotation_interval_days: Mapped[int] = mapped_column(Integer)
    last_rotated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    rotation_due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    overdue_announced_for: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    notes: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), server_default="active")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Rotation(Base):
    __tablename__ = "credential_rotations"

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(String(32))
    credential: Mapped[str] = mapped_column(String(64))
    rotated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    recorded_by: Mapped[str] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class RosterGapNotice(Base):
    """A gap already announced (inventory.roster.gap.v1), so each is announced once."""
    __tablename__ = "roster_gap_notices"

    tenant_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    post: Mapped[str] = mapped_column(String(64), primary_key=True)
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), primary_key=True)
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), primary_key=True)
    announced_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
