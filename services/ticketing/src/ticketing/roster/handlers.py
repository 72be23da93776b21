"""Keeps `roster_shifts` in step with inventory's roster, and answers who was on site."""

from __future__ import annotations

from datetime import datetime

from opspact import roster
from opspact.events import CloudEvent
from sqlalchemy.ext.asyncio import AsyncSession

from ticketing.roster.models import RosterShift


async def on_roster_changed(session: AsyncSession, event: CloudEvent) -> None:
    await roster.apply_change(session, RosterShift, event)


HANDLERS = {"inventory.roster.changed.v1": on_roster_changed}


async def on_site_at(session: AsyncSession, tenant_id: str, at: datetime) -> list[RosterShift]:
    return await roster.shifts_at(session, RosterShift, tenant_id, at)
