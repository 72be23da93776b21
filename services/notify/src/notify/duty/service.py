"""Keeping the roster read model (opspact.roster), and asking it who is on duty."""

from __future__ import annotations

from datetime import datetime

from opspact import roster
from opspact.events import CloudEvent
from sqlalchemy.ext.asyncio import AsyncSession

from notify.duty.models import DutyShift


async def on_roster_changed(session: AsyncSession, event: CloudEvent) -> None:
    await roster.apply_change(session, DutyShift, event)


async def on_duty(session: AsyncSession, tenant_id: str, at: datetime,
                  post: str | None = None) -> list[DutyShift]:
    return await roster.shifts_at(session, DutyShift, tenant_id, at, post)
