import uuid
from datetime import date, datetime

from sqlalchemy import ARRAY, BigInteger, Date, DateTime, ForeignKey, Identity, Integer, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from ticketing.tables import Base


class EmergencyPlan(Base):
    """An emergency plan (应急预案) for one category of incident."""

    __tablename__ = "emergency_plans"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    tenant_id: Mapped[str] = mapped_column(String(32))
    code: Mapped[str] = mapped_column(String(32))
    category: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(200))
    scenario: Mapped[str] = mapped_column(Text)       # 适用场景
    response_steps: Mapped[str] = mapped_column(Text)  # 处置流程
    roles: Mapped[str] = mapped_column(Text)          # 职责分工（岗位，不写个人联系方式）
    systems: Mapped[list[str]] = mapped_column(ARRAY(String(64)), default=list)
    version: Mapped[int] = mapped_column(Integer, default=1)
    drill_every_days: Mapped[int | None] = mapped_column(Integer)
    updated_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Drill(Base):
    """A drill (演练) of a plan: when, who took part, what happened, what to improve."""

    __tablename__ = "emergency_drills"

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(String(32))
    plan_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("ticketing.emergency_plans.id", ondelete="CASCADE"))
    held_on: Mapped[date] = mapped_column(Date)
    plan_version: Mapped[int] = mapped_column(Integer)
    participants: Mapped[list[str]] = mapped_column(ARRAY(String(100)))
    scenario: Mapped[str] = mapped_column(Text)
    outcome: Mapped[str] = mapped_column(String(16))  # passed | partly | failed
    findings: Mapped[str] = mapped_column(Text, default="")
    minutes_spent: Mapped[int | None] = mapped_column(Integer)
    recorded_by: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
