"""The SMS quota: segments used this contract year against the contract's volume."""

from datetime import UTC, date, datetime

from fastapi import APIRouter, Depends
from opspact.app import SESSION, current_principal
from opspact.auth import Principal
from opspact.calendar import SHANGHAI
from opspact.permissions import require
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from notify import quota, tenant_settings
from notify.notifications.models import QuotaUsage

router = APIRouter(tags=["quota"])


class QuotaOut(BaseModel):
    year_start: date
    segments: int
    quota: int | None
    percent: float | None
    after_quota: str
    estimated_per_year: int | None = Field(description="what the contract expects, not a cap")
    estimate_clause: str | None
    warned_at: datetime | None
    reached_at: datetime | None


@router.get("/quota", response_model=QuotaOut)
async def sms_quota(principal: Principal = Depends(current_principal),
                    session: AsyncSession = SESSION) -> QuotaOut:
    require(principal, "notifications.read")
    config, settings = await tenant_settings.load(session, principal.tenant)
    sms = settings.sms
    start = quota.year_start(config, datetime.now(UTC).astimezone(SHANGHAI).date())
    row = (await session.execute(select(QuotaUsage).where(
        QuotaUsage.tenant_id == principal.tenant, QuotaUsage.year_start == start))).scalar_one_or_none()
    used = row.segments if row else 0
    return QuotaOut(year_start=start, segments=used, quota=sms.quota_per_year,
                    percent=round(100 * used / sms.quota_per_year, 2) if sms.quota_per_year else None,
                    after_quota=sms.after_quota.value, estimated_per_year=sms.estimated_per_year,
                    estimate_clause=sms.estimate_clause, warned_at=row and row.warned_at,
                    reached_at=row and row.reached_at)
