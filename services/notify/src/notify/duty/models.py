from datetime import datetime

from sqlalchemy import BigInteger, DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from notify.tables import Base


class DutyShift(Base):
    __tablename__ = "duty_shifts"

    tenant_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    shift_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    post: Mapped[str] = mapped_column(String(64))
    staff: Mapped[str] = mapped_column(String(64))
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
