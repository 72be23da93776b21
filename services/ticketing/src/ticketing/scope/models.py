from datetime import datetime

from sqlalchemy import DateTime, String, func
from sqlalchemy.orm import Mapped, mapped_column

from ticketing.tables import Base


class ScopeAsset(Base):
    """Ticketing's read model of the inventory's assets (from `inventory.asset.*`
    events): what an inspection checklist walks through. Never written by hand."""

    __tablename__ = "scope_assets"

    tenant_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
