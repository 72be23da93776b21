from datetime import datetime

from sqlalchemy import BigInteger, DateTime, Identity, Integer, String, Text, func, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from inventory.tables import Base


class Staff(Base):
    __tablename__ = "staff"

    tenant_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(100))
    categories: Mapped[list] = mapped_column(JSONB, server_default=text("'[]'::jsonb"))
    post: Mapped[str | None] = mapped_column(String(64))
    paperwork: Mapped[dict] = mapped_column(JSONB, server_default=text("'{}'::jsonb"))
    status: Mapped[str] = mapped_column(String(16), server_default="active")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    left_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Replacement(Base):
    __tablename__ = "staff_replacements"

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(String(32))
    post: Mapped[str] = mapped_column(String(64))
    leaving: Mapped[str] = mapped_column(String(64))
    joining: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text)
    contract_year: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Shift(Base):
    __tablename__ = "shifts"

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(String(32))
    post: Mapped[str] = mapped_column(String(64))
    staff: Mapped[str] = mapped_column(String(64))
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
