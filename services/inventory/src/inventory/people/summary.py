"""The people part of a period's report (ticketing fetches it with a delegated token):
who was on the engagement, their structure by role, attendance as the roster shows it,
how well each contracted post was covered, security trainings and replacements.

Attendance is what was rostered: OpsPact keeps no punch clock, and the contracts judge
presence by the posts being staffed (xinjiang 4 on site, beijing's 5×8 / 7×8 / 7×24)."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta

from opspact.calendar import SHANGHAI, CalendarMissing, WorkdayCalendar
from opspact.calendar.spans import day_span
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from inventory.attendance import service as recorded_attendance
from inventory.people import coverage
from inventory.people.models import Replacement, Shift, Staff
from inventory.people.schemas import (
    AttendanceRow,
    PostCoverage,
    RecordedAttendance,
    RecordedPerson,
    ReplacementRow,
    StaffingMember,
    StaffingSummaryOut,
    StructureRow,
    TrainingRow,
)
from inventory.people.service import shifts_between, tenant_config
from inventory.tenant_settings import InventoryTenantSettings

MAX_DAYS = 400  # a year's report, with room for a leap year and a few days


def _hours(delta: timedelta) -> float:
    return round(delta.total_seconds() / 3600, 2)


def attendance(shifts: list[Shift], staff: dict[str, Staff], start: datetime,
               end: datetime) -> list[AttendanceRow]:
    counted: dict[str, list] = defaultdict(lambda: [0, set(), timedelta()])
    for s in shifts:
        a, b = max(s.starts_at, start), min(s.ends_at, end)
        if a >= b:
            continue
        row = counted[s.staff]
        row[0] += 1
        row[2] += b - a
        day, last = a.astimezone(SHANGHAI).date(), (b - timedelta(microseconds=1)).astimezone(SHANGHAI).date()
        while day <= last:
            row[1].add(day)
            day += timedelta(days=1)
    return [AttendanceRow(staff=code, name=staff[code].name if code in staff else code,
                          post=staff[code].post if code in staff else None, shifts=n,
                          days=len(days), hours=_hours(total))
            for code, (n, days, total) in sorted(counted.items())]


def post_coverage(settings: InventoryTenantSettings, shifts: list[Shift], start: datetime,
                  end: datetime) -> list[PostCoverage]:
    calendar = WorkdayCalendar(settings.calendar)
    out = []
    for post in settings.posts:
        try:
            windows = coverage.required_windows(post.coverage, post.window(), calendar, start, end)
        except CalendarMissing as missing:  # a report reaching into a year not yet announced
            out.append(PostCoverage(post=post.code, post_name=post.name, coverage=post.coverage,
                                    headcount=post.headcount, required_hours=None, gap_hours=None,
                                    covered_percent=None, gaps=None, note=str(missing)))
            continue
        own = [(s.starts_at, s.ends_at) for s in shifts if s.post == post.code]
        found = coverage.gaps(post.code, post.headcount, windows, own)
        required = sum((b - a for a, b in windows), timedelta()) * post.headcount
        missing = sum(((g.ends_at - g.starts_at) * (g.required - g.covered) for g in found), timedelta())
        out.append(PostCoverage(
            post=post.code, post_name=post.name, coverage=post.coverage, headcount=post.headcount,
            required_hours=_hours(required), gap_hours=_hours(missing), gaps=len(found),
            covered_percent=round(100 * (1 - missing / required), 1) if required else None))
    return out


async def staffing(session: AsyncSession, tenant_id: str, first: date, last: date) -> StaffingSummaryOut:
    """`first`..`last`: days in Shanghai, both included."""
    day_span(first, last, MAX_DAYS)
    start = datetime.combine(first, time(), tzinfo=SHANGHAI)
    end = datetime.combine(last + timedelta(days=1), time(), tzinfo=SHANGHAI)
    _, settings = await tenant_config(session, tenant_id)
    post_names = {p.code: p.name for p in settings.posts}
    everyone = {s.code: s for s in (await session.execute(
        select(Staff).where(Staff.tenant_id == tenant_id).order_by(Staff.post, Staff.code))).scalars()}
    replacements = list((await session.execute(select(Replacement).where(
        Replacement.tenant_id == tenant_id).order_by(Replacement.at))).scalars())
    # Registration is not joining (records are often entered late): only a replacement
    # dates someone's arrival.
    joined = {r.joining: r.at for r in replacements}
    present = [s for s in everyone.values()
               if (s.left_at is None or s.left_at >= start) and joined.get(s.code, start) < end]
    shifts = await shifts_between(session, tenant_id, start, end)
    trainings = sorted(
        (TrainingRow(on=on, staff=s.code, name=s.name) for s in present
         for on in map(date.fromisoformat, s.paperwork.get("security_trainings", []))
         if first <= on <= last), key=lambda t: (t.on, t.staff))
    return StaffingSummaryOut(
        start=first, end=last,
        staff=[StaffingMember(code=s.code, name=s.name, role=s.role, post=s.post,
                              post_name=post_names.get(s.post), categories=s.categories,
                              status=s.status, left_at=s.left_at) for s in present],
        structure=[StructureRow(role=role, count=n)
                   for role, n in Counter(s.role for s in present).most_common()],
        attendance=attendance(shifts, everyone, start, end),
        posts=post_coverage(settings, shifts, start, end),
        trainings=trainings,
        replacements=[ReplacementRow(post=r.post, leaving=r.leaving, joining=r.joining,
                                     reason=r.reason, at=r.at.astimezone(SHANGHAI))
                      for r in replacements if start <= r.at < end],
        recorded=await recorded(session, tenant_id, first, last, everyone))


async def recorded(session: AsyncSession, tenant_id: str, first: date, last: date,
                   everyone: dict[str, Staff]) -> RecordedAttendance | None:
    """Attendance as it happened against the roster (beijing and xinjiang assess it), for
    tenants that record it."""
    if not await recorded_attendance.records_anything(session, tenant_id):
        return None
    report = await recorded_attendance.report(session, tenant_id, first, last, max_days=None)
    return RecordedAttendance(
        people=[RecordedPerson(name=everyone[p.staff].name if p.staff in everyone else None,
                               **p.model_dump()) for p in report.people],
        uncovered_hours_by_post=report.uncovered_hours_by_post)
