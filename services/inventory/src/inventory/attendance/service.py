"""Checking in and out, and attendance set against the roster.

An engineer checks in and out only themself, now; a manager may record another person or
another time (a forgotten check-in, corrected). One open stretch per person (the database's
partial unique index)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from opspact import outbox
from opspact.auth import Principal
from opspact.calendar import SHANGHAI
from opspact.db.unique import add_unique
from opspact.errors import Conflict, Forbidden, NotFound, Unprocessable
from opspact.events import new_event
from opspact.permissions import may
from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from inventory.attendance.models import Attendance, MissedCheckInNotice
from inventory.attendance.schemas import (
    AttendanceOut,
    AttendanceReport,
    CheckIn,
    PersonAttendance,
    ShiftAttendance,
)
from inventory.notices import first_time
from inventory.people.models import Shift, Staff
from inventory.tables import shared

MAX_REPORT_DAYS = 62
# a shift not checked into this long after its start is announced; shifts that started more
# than LOOKBACK ago are history (the report shows them), not news
GRACE = timedelta(minutes=15)
LOOKBACK = timedelta(hours=12)


def attendance_out(a: Attendance) -> AttendanceOut:
    hours = round((a.check_out_at - a.check_in_at).total_seconds() / 3600, 2) if a.check_out_at else None
    return AttendanceOut(id=a.id, staff=a.staff, check_in_at=a.check_in_at.astimezone(SHANGHAI),
                         check_out_at=a.check_out_at and a.check_out_at.astimezone(SHANGHAI),
                         hours=hours, source=a.source, recorded_by=a.recorded_by, note=a.note)


def _whose(principal: Principal, body: CheckIn) -> tuple[str, datetime, str]:
    """(staff, instant, source) the caller may record."""
    manager = may(principal, "staff.write")
    staff = body.staff or principal.subject
    if not manager and (staff != principal.subject or body.at is not None):
        raise Forbidden("an engineer records only their own attendance, at the moment it happens; "
                        "a manager corrects another person's or another time")
    source = "self" if staff == principal.subject and body.at is None else "manager"
    return staff, body.at or datetime.now(UTC), source


async def _active_staff(session: AsyncSession, tenant_id: str, code: str) -> Staff:
    staff = await session.get(Staff, (tenant_id, code))
    if staff is None:
        raise NotFound(f"staff {code!r} not found: attendance is recorded for registered staff")
    if staff.status != "active":
        raise Unprocessable(f"staff {code!r} has left")
    return staff


async def _open(session: AsyncSession, tenant_id: str, staff: str) -> Attendance | None:
    return (await session.execute(select(Attendance).where(
        Attendance.tenant_id == tenant_id, Attendance.staff == staff,
        Attendance.check_out_at.is_(None)).with_for_update())).scalar_one_or_none()


async def check_in(session: AsyncSession, principal: Principal, body: CheckIn) -> Attendance:
    staff, at, source = _whose(principal, body)
    await _active_staff(session, principal.tenant, staff)
    already = await _open(session, principal.tenant, staff)
    if already is not None:
        raise Conflict(f"{staff} is checked in since "
                       f"{already.check_in_at.astimezone(SHANGHAI):%Y-%m-%d %H:%M}; check out first")
    record = Attendance(tenant_id=principal.tenant, staff=staff, check_in_at=at, source=source,
                        recorded_by=principal.subject, note=body.note)
    await add_unique(session, record, f"{staff} checked in already (at the same moment, or since)")
    await session.refresh(record)
    return record


async def check_out(session: AsyncSession, principal: Principal, body: CheckIn) -> Attendance:
    staff, at, _ = _whose(principal, body)
    record = await _open(session, principal.tenant, staff)
    if record is None:
        raise Conflict(f"{staff} is not checked in")
    if at <= record.check_in_at:
        raise Unprocessable(f"the check-out must come after the check-in "
                            f"({record.check_in_at.astimezone(SHANGHAI):%Y-%m-%d %H:%M})",
                            errors=[{"field": "body.at", "message": "before the check-in"}])
    record.check_out_at = at
    if body.note:
        record.note = f"{record.note}；{body.note}".strip("；")
    await session.flush()
    await session.refresh(record)
    return record


async def page(session: AsyncSession, tenant_id: str, staff: str | None, start: datetime,
               end: datetime, limit: int, offset: int) -> tuple[list[Attendance], int]:
    where = [Attendance.tenant_id == tenant_id, Attendance.check_in_at < end,
             or_(Attendance.check_out_at.is_(None), Attendance.check_out_at > start)]
    if staff:
        where.append(Attendance.staff == staff)
    total = (await session.execute(select(func.count()).select_from(Attendance).where(*where))).scalar_one()
    rows = await session.execute(select(Attendance).where(*where)
                                 .order_by(Attendance.check_in_at.desc(), Attendance.id.desc())
                                 .limit(limit).offset(offset))
    return list(rows.scalars()), total


def window(start: date, end: date, max_days: int | None = MAX_REPORT_DAYS) -> tuple[datetime, datetime]:
    """The days `start`..`end` (inclusive, Asia/Shanghai) as instants."""
    if end < start:
        raise Unprocessable("to must not be before from",
                            errors=[{"field": "query.to", "message": "before from"}])
    if max_days is not None and (end - start).days >= max_days:
        raise Unprocessable(f"at most {MAX_REPORT_DAYS} days at once",
                            errors=[{"field": "query.to", "message": "too long a period"}])
    return (datetime.combine(start, time(), SHANGHAI),
            datetime.combine(end + timedelta(days=1), time(), SHANGHAI))


def _overlap(a_start, a_end, b_start, b_end) -> timedelta:
    return max(timedelta(0), min(a_end, b_end) - max(a_start, b_start))


async def report(session: AsyncSession, tenant_id: str, start: date, end: date,
                 max_days: int | None = MAX_REPORT_DAYS) -> AttendanceReport:
    """`max_days` bounds what a caller of the API may ask; a period's report (a quarter, a
    year) asks for its whole span (people.summary)."""
    first, last = window(start, end, max_days)
    now = datetime.now(UTC)
    shifts = list((await session.execute(select(Shift).where(
        Shift.tenant_id == tenant_id, Shift.starts_at < last, Shift.ends_at > first)
        .order_by(Shift.starts_at, Shift.post, Shift.staff))).scalars())
    stretches, _ = await page(session, tenant_id, None, first, last, 100_000, 0)
    by_staff: dict[str, list[tuple[datetime, datetime]]] = {}
    for s in stretches:
        by_staff.setdefault(s.staff, []).append((s.check_in_at, s.check_out_at or now))
    rows, uncovered = [], {}
    for shift in shifts:
        mine = [(a, b) for a, b in by_staff.get(shift.staff, []) if a < shift.ends_at and b > shift.starts_at]
        covered = sum((_overlap(a, b, shift.starts_at, shift.ends_at) for a, b in mine), timedelta(0))
        arrived = min((a for a, _ in mine), default=None)
        late = max(0, int((arrived - shift.starts_at).total_seconds() // 60)) if arrived else 0
        rows.append(ShiftAttendance(
            shift_id=shift.id, post=shift.post, staff=shift.staff,
            starts_at=shift.starts_at.astimezone(SHANGHAI), ends_at=shift.ends_at.astimezone(SHANGHAI),
            checked_in_at=arrived and arrived.astimezone(SHANGHAI), late_minutes=late,
            absent=not mine, hours=round(covered.total_seconds() / 3600, 2)))
        missing = (shift.ends_at - shift.starts_at - covered).total_seconds() / 3600
        if missing > 0:
            uncovered[shift.post] = round(uncovered.get(shift.post, 0) + missing, 2)
    people = []
    for code in sorted({r.staff for r in rows} | set(by_staff)):
        theirs = [r for r in rows if r.staff == code]
        worked = sum((_overlap(a, b, first, last) for a, b in by_staff.get(code, [])), timedelta(0))
        people.append(PersonAttendance(
            staff=code, shifts=len(theirs), attended=sum(not r.absent for r in theirs),
            late=sum(r.late_minutes > 0 for r in theirs), absent=sum(r.absent for r in theirs),
            shift_hours=round(sum(r.hours for r in theirs), 2),
            hours=round(worked.total_seconds() / 3600, 2)))
    return AttendanceReport(start=start, end=end, shifts=rows, people=people,
                            uncovered_hours_by_post=uncovered)


async def records_anything(session: AsyncSession, tenant_id: str) -> bool:
    """Whether the tenant's attendance is recorded at all (else reports leave it out)."""
    return (await session.execute(select(Attendance.id).where(
        Attendance.tenant_id == tenant_id).limit(1))).first() is not None


async def announce_missed(session: AsyncSession, tenant_id: str, now: datetime) -> int:
    """Shifts begun more than GRACE ago whose engineer has not checked in:
    `inventory.attendance.missed.v1`, once per shift."""
    checked_in = select(Attendance.id).where(
        Attendance.tenant_id == tenant_id, Attendance.staff == Shift.staff,
        Attendance.check_in_at < Shift.ends_at,
        or_(Attendance.check_out_at.is_(None), Attendance.check_out_at > Shift.starts_at)).exists()
    shifts = list((await session.execute(select(Shift).where(
        Shift.tenant_id == tenant_id, Shift.starts_at <= now - GRACE, Shift.starts_at > now - LOOKBACK,
        Shift.ends_at > Shift.starts_at, ~checked_in).order_by(Shift.starts_at))).scalars())
    announced = 0
    for shift in shifts:
        if not await first_time(session, MissedCheckInNotice, tenant_id=tenant_id, shift_id=shift.id):
            continue
        await outbox.add(session, shared.outbox, new_event(
            "inventory", "attendance", "missed", tenant_id, f"shift:{shift.id}",
            {"shift_id": shift.id, "post": shift.post, "staff": shift.staff,
             "starts_at": shift.starts_at.isoformat(), "ends_at": shift.ends_at.isoformat(),
             "minutes_since_start": int((now - shift.starts_at).total_seconds() // 60)}))
        announced += 1
    return announced
