"""Who notify would reach now: its copy of the roster, joined with its contacts."""

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from opspact.app import SESSION, current_principal
from opspact.auth import Principal
from opspact.calendar import SHANGHAI
from opspact.permissions import require
from opspact.types import IsoInstant
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from notify import tenant_settings
from notify.duty.service import on_duty
from notify.tenant_settings import Channel

router = APIRouter(tags=["duty"])


class OnDutyOut(BaseModel):
    post: str
    staff: str
    starts_at: datetime
    ends_at: datetime
    reachable_by: list[str]  # the channels notify has an address for


@router.get("/duty", response_model=list[OnDutyOut])
async def duty(at: Annotated[IsoInstant | None, Query(description="default: now")] = None,
               post: Annotated[str | None, Query(max_length=64)] = None,
               principal: Principal = Depends(current_principal),
               session: AsyncSession = SESSION) -> list[OnDutyOut]:
    require(principal, "notifications.read")
    _, settings = await tenant_settings.load(session, principal.tenant)
    out = []
    for shift in await on_duty(session, principal.tenant, at or datetime.now(UTC), post):
        contact = settings.contact(shift.staff)
        channels = [c.value for c in Channel if contact is not None and contact.address(c)]
        out.append(OnDutyOut(post=shift.post, staff=shift.staff,
                             starts_at=shift.starts_at.astimezone(SHANGHAI),
                             ends_at=shift.ends_at.astimezone(SHANGHAI), reachable_by=channels))
    return out
