"""The work log (工作日志) over HTTP."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query
from opspact.app import SESSION, current_principal
from opspact.auth import Principal
from opspact.permissions import require
from opspact.types import IsoInstant
from sqlalchemy.ext.asyncio import AsyncSession

from ticketing.worklog import service
from ticketing.worklog.models import WorklogEntry
from ticketing.worklog.schemas import Category, EntryIn, EntryOut, EntryPage

router = APIRouter(prefix="/worklog", tags=["worklog"])


def to_out(entry: WorklogEntry) -> EntryOut:
    return EntryOut(id=entry.id, category=entry.category, occurred_at=entry.occurred_at,
                    system=entry.system_code, initiator=entry.initiator, handler=entry.handler,
                    handling=entry.handling, feedback=entry.feedback,
                    minutes_spent=entry.minutes_spent, ticket_id=entry.ticket_id,
                    change_id=entry.change_id,
                    created_by=entry.created_by, created_at=entry.created_at)


@router.post("", status_code=201, response_model=EntryOut)
async def add_entry(body: EntryIn, principal: Principal = Depends(current_principal),
                    session: AsyncSession = SESSION) -> EntryOut:
    """One entry: initiator, handler, handling, feedback, time spent."""
    require(principal, "worklog.write")
    return to_out(await service.add(session, principal.tenant, body, principal.subject))


@router.get("", response_model=EntryPage)
async def list_entries(start: IsoInstant | None = Query(default=None, alias="from"),
                       end: IsoInstant | None = Query(default=None, alias="to"),
                       category: Category | None = None,
                       handler: str | None = Query(default=None, max_length=100),
                       system: str | None = Query(default=None, max_length=64),
                       limit: int = Query(50, ge=1, le=500), offset: int = Query(0, ge=0, le=1_000_000),
                       principal: Principal = Depends(current_principal),
                       session: AsyncSession = SESSION) -> EntryPage:
    require(principal, "worklog.read")
    rows, total, minutes = await service.page(session, principal.tenant, {
        "start": start, "end": end, "category": category and category.value, "handler": handler,
        "system": system}, limit, offset)
    return EntryPage(items=[to_out(e) for e in rows], total=total, limit=limit, offset=offset,
                     minutes_by_category=minutes)
