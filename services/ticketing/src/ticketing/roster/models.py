from datetime import datetime

from sqlalchemy import BigInteger, DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from ticketing.tables import Base


class RosterShift(Base):
    __tablename__ = "roster_shifts"

    tenant_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    shift_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    post: Mapped[str] = mapped_column(String(64))
    staff: Mapped[str] = mapped_column(String(64))
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
