from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query
from opspact.app import SESSION, current_principal
from opspact.auth import Principal
from opspact.calendar import SHANGHAI
from opspact.permissions import require
from opspact.types import IsoDate, IsoInstant
from sqlalchemy.ext.asyncio import AsyncSession

from inventory.people import service, summary
from inventory.people.schemas import (
    GapOut,
    OnDutyOut,
    ReplacementCreate,
    ReplacementOut,
    ShiftOut,
    ShiftsCreate,
    StaffCreate,
    StaffingSummaryOut,
    StaffOut,
    StaffUpdate,
)

router = APIRouter(tags=["people"])


@router.post("/staff", status_code=201, response_model=StaffOut,
             responses={409: {"description": "the code is already used"}})
async def add_staff(body: StaffCreate, principal: Principal = Depends(current_principal),
                    session: AsyncSession = SESSION) -> StaffOut:
    require(principal, "staff.write")
    return service.staff_out(await service.add_staff(session, principal.tenant, body))


@router.patch("/staff/{code}", response_model=StaffOut)
async def update_staff(body: StaffUpdate, code: str = Path(max_length=64),
                       principal: Principal = Depends(current_principal),
                       session: AsyncSession = SESSION) -> StaffOut:
    """Name, role, categories, and the paperwork the contracts ask for (signed documents, the
    background check, trainings attended) as it is signed."""
    require(principal, "staff.write")
    return service.staff_out(await service.update_staff(session, principal.tenant, code, body))


@router.get("/staff", response_model=list[StaffOut])
async def list_staff(post: str | None = Query(default=None, max_length=64),
                     status: Literal["active", "left"] | None = None,
                     principal: Principal = Depends(current_principal),
                     session: AsyncSession = SESSION) -> list[StaffOut]:
    require(principal, "staff.read")
    return [service.staff_out(s) for s in await service.list_staff(session, principal.tenant,
                                                                    post, status)]


@router.post("/posts/{post}/replacements", status_code=201, response_model=ReplacementOut,
             responses={409: {"description": "not on that post, or cannot take it"}})
async def replace_staff(body: ReplacementCreate, post: str = Path(max_length=64),
                        principal: Principal = Depends(current_principal),
                        session: AsyncSession = SESSION) -> ReplacementOut:
    """Someone leaves a post and someone takes it: recorded with the reason, counted
    within the contract year (xinjiang penalises the second replacement)."""
    require(principal, "staff.write")
    return await service.replace(session, principal.tenant, post, body)


@router.post("/roster/shifts", status_code=201, response_model=list[ShiftOut],
             responses={409: {"description": "a shift overlaps another of the same person"}})
async def add_shifts(body: ShiftsCreate, principal: Principal = Depends(current_principal),
                     session: AsyncSession = SESSION) -> list[ShiftOut]:
    require(principal, "roster.write")
    return await service.add_shifts(session, principal.tenant, body)


@router.get("/roster/shifts", response_model=list[ShiftOut])
async def list_shifts(from_: Annotated[IsoInstant, Query(alias="from")],
                      to: Annotated[IsoInstant, Query()],
                      post: str | None = Query(default=None, max_length=64),
                      principal: Principal = Depends(current_principal),
                      session: AsyncSession = SESSION) -> list[ShiftOut]:
    require(principal, "roster.read")
    rows = await service.shifts_between(session, principal.tenant, from_, to, post)
    return [ShiftOut(id=s.id, post=s.post, staff=s.staff, starts_at=s.starts_at.astimezone(SHANGHAI),
                     ends_at=s.ends_at.astimezone(SHANGHAI)) for s in rows]


@router.delete("/roster/shifts/{shift_id}", status_code=204)
async def remove_shift(shift_id: int = Path(ge=1, le=2**62),
                       principal: Principal = Depends(current_principal),
                       session: AsyncSession = SESSION) -> None:
    require(principal, "roster.write")
    await service.remove_shift(session, principal.tenant, shift_id)


@router.get("/roster/gaps", response_model=list[GapOut])
async def roster_gaps(from_: Annotated[IsoInstant, Query(alias="from")],
                      to: Annotated[IsoInstant, Query()],
                      principal: Principal = Depends(current_principal),
                      session: AsyncSession = SESSION) -> list[GapOut]:
    """Every stretch where a post has fewer people on shift than the contract requires,
    across weekends, statutory holidays and 调休 working days."""
    require(principal, "roster.read")
    return await service.roster_gaps(session, principal.tenant, from_, to)


@router.get("/on-duty", response_model=list[OnDutyOut])
async def on_duty(at: IsoInstant | None = None, principal: Principal = Depends(current_principal),
                  session: AsyncSession = SESSION) -> list[OnDutyOut]:
    """Who is on duty at `at` (default now) — what notify asks before it texts."""
    require(principal, "roster.read")
    moment = at if at is not None else datetime.now(SHANGHAI)
    return await service.on_duty(session, principal.tenant, moment)




@router.get("/summary/staffing", response_model=StaffingSummaryOut)
async def staffing_summary(from_: Annotated[IsoDate, Query(alias="from", description="first day")],
                           to: Annotated[IsoDate, Query(description="last day, inclusive")],
                           principal: Principal = Depends(current_principal),
                           session: AsyncSession = SESSION) -> StaffingSummaryOut:
    """The people part of a period's report: staffing table and structure, attendance from
    the roster, coverage of each post, security trainings, replacements (days in Shanghai)."""
    require(principal, "roster.read")
    return await summary.staffing(session, principal.tenant, from_, to)
