"""Staff and roster rules: staff belong to a post of the tenant file, a replacement is
recorded with its reason and counted per contract year, shifts never overlap for one
person (the database's exclusion constraint), coverage gaps are computed against the
posts' requirements on the tenant's working-day calendar."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from opspact import outbox
from opspact.calendar import SHANGHAI, CalendarMissing, WorkdayCalendar
from opspact.db.unique import add_unique
from opspact.errors import Conflict, NotFound, Unprocessable
from opspact.events import new_event
from opspact.tenancy.registry import load_tenant
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from inventory.people import coverage
from inventory.people.models import Replacement, Shift, Staff
from inventory.people.schemas import (
    GapOut,
    OnDutyOut,
    Paperwork,
    ReplacementCreate,
    ReplacementOut,
    ShiftOut,
    ShiftsCreate,
    StaffCreate,
    StaffOut,
    StaffUpdate,
)
from inventory.tables import shared
from inventory.tenant_settings import InventoryTenantSettings

MAX_GAP_DAYS = 62


async def tenant_config(session: AsyncSession, tenant_id: str) -> tuple[dict, InventoryTenantSettings]:
    config = await load_tenant(session, shared.tenants, tenant_id)
    return config, InventoryTenantSettings.model_validate(config["settings"])


def staff_out(s: Staff) -> StaffOut:
    return StaffOut(code=s.code, name=s.name, role=s.role, categories=s.categories, post=s.post,
                    paperwork=s.paperwork, status=s.status, created_at=s.created_at,
                    left_at=s.left_at)


async def _staff(session: AsyncSession, tenant_id: str, code: str) -> Staff:
    staff = await session.get(Staff, (tenant_id, code), with_for_update=True)
    if staff is None:
        raise NotFound(f"staff {code!r} not found")
    return staff


def _known_post(settings: InventoryTenantSettings, post: str | None) -> None:
    if post is not None and settings.post(post) is None:
        raise Unprocessable(f"unknown post {post!r}; the tenant file lists "
                            f"{', '.join(p.code for p in settings.posts) or '(none)'}",
                            errors=[{"field": "body.post", "message": "unknown post"}])


async def add_staff(session: AsyncSession, tenant_id: str, body: StaffCreate) -> Staff:
    _, settings = await tenant_config(session, tenant_id)
    _known_post(settings, body.post)
    staff = Staff(tenant_id=tenant_id, code=body.code, name=body.name, role=body.role,
                  categories=body.categories, post=body.post,
                  paperwork=body.paperwork.model_dump(mode="json"))
    await add_unique(session, staff, f"staff code {body.code!r} is already used")
    await session.refresh(staff)
    return staff


async def update_staff(session: AsyncSession, tenant_id: str, code: str, body: StaffUpdate) -> Staff:
    staff = await _staff(session, tenant_id, code)
    sent = body.model_dump(mode="json", exclude_unset=True)
    if any(sent.get(f, 0) is None for f in ("name", "role", "categories")):
        raise Unprocessable("name, role and categories cannot be removed",
                            errors=[{"field": f"body.{f}", "message": "must not be null"}
                                    for f in ("name", "role", "categories") if sent.get(f, 0) is None])
    for field in ("name", "role", "categories"):
        if field in sent:
            setattr(staff, field, sent[field])
    if sent.get("paperwork"):
        changed = {k: v for k, v in sent["paperwork"].items() if k != "security_trainings" or v is not None}
        merged = Paperwork.model_validate({**staff.paperwork, **changed})
        staff.paperwork = merged.model_dump(mode="json")
    await session.flush()
    await session.refresh(staff)
    return staff


async def list_staff(session: AsyncSession, tenant_id: str, post: str | None,
                     status: str | None) -> list[Staff]:
    query = select(Staff).where(Staff.tenant_id == tenant_id)
    if post:
        query = query.where(Staff.post == post)
    if status:
        query = query.where(Staff.status == status)
    return list((await session.execute(query.order_by(Staff.post, Staff.code))).scalars())


def contract_year(term_start: date | None, today: date) -> int:
    """1 in the term's first year, 2 in its second… (1 when the file gives no start)."""
    if term_start is None or today < term_start:
        return 1
    years = today.year - term_start.year - ((today.month, today.day) < (term_start.month, term_start.day))
    return years + 1


async def replace(session: AsyncSession, tenant_id: str, post: str,
                  body: ReplacementCreate) -> ReplacementOut:
    config, settings = await tenant_config(session, tenant_id)
    _known_post(settings, post)
    leaving = await _staff(session, tenant_id, body.leaving)
    joining = await _staff(session, tenant_id, body.joining)
    if leaving.post != post or leaving.status != "active":
        raise Conflict(f"{body.leaving} is not on post {post}")
    if joining.status != "active" or body.joining == body.leaving:
        raise Conflict(f"{body.joining} cannot take the post")
    start = config["contract"].get("term", {}).get("start")
    year = contract_year(date.fromisoformat(start) if start else None,
                         datetime.now(SHANGHAI).date())
    leaving.status, leaving.left_at = "left", func.now()
    joining.post = post
    record = Replacement(tenant_id=tenant_id, post=post, leaving=body.leaving,
                         joining=body.joining, reason=body.reason, contract_year=year)
    session.add(record)
    await session.flush()
    await session.refresh(record)
    count = (await session.execute(select(func.count()).select_from(Replacement).where(
        Replacement.tenant_id == tenant_id, Replacement.contract_year == year))).scalar_one()
    out = ReplacementOut(post=post, leaving=body.leaving, joining=body.joining,
                         reason=body.reason, contract_year=year, count_in_year=count,
                         at=record.at)
    await outbox.add(session, shared.outbox, new_event(
        "inventory", "staff", "replaced", tenant_id, f"{post}:{body.leaving}",
        out.model_dump(mode="json")))
    return out


async def add_shifts(session: AsyncSession, tenant_id: str, body: ShiftsCreate) -> list[ShiftOut]:
    _, settings = await tenant_config(session, tenant_id)
    codes = {s.code for s in await list_staff(session, tenant_id, None, "active")}
    for n, shift in enumerate(body.shifts):
        if settings.post(shift.post) is None:
            raise Unprocessable(f"shifts[{n}]: unknown post {shift.post!r}")
        if shift.staff not in codes:
            raise Unprocessable(f"shifts[{n}]: {shift.staff!r} is not active staff")
    rows = [Shift(tenant_id=tenant_id, **s.model_dump()) for s in body.shifts]
    await add_unique(session, rows, "a shift overlaps another shift of the same person (in this "
                     "batch or already rostered); nothing was saved", "shifts_no_overlap")
    shifts = [shift_out(r) for r in rows]
    await outbox.add(session, shared.outbox, roster_changed(tenant_id, added=shifts, removed=[]))
    return shifts


def shift_out(shift: Shift) -> ShiftOut:
    return ShiftOut(id=shift.id, post=shift.post, staff=shift.staff, starts_at=shift.starts_at,
                    ends_at=shift.ends_at)


def roster_changed(tenant_id: str, added: list[ShiftOut], removed: list[ShiftOut]):
    """The shifts themselves travel, so notify can keep who is on duty as a read model."""
    spans = [s.starts_at for s in added + removed], [s.ends_at for s in added + removed]
    return new_event("inventory", "roster", "changed", tenant_id, tenant_id, {
        "added": [s.model_dump(mode="json") for s in added],
        "removed": [s.model_dump(mode="json") for s in removed],
        "from": min(spans[0]).isoformat(), "to": max(spans[1]).isoformat()})


async def shifts_between(session: AsyncSession, tenant_id: str, start: datetime, end: datetime,
                         post: str | None = None) -> list[Shift]:
    query = select(Shift).where(Shift.tenant_id == tenant_id, Shift.starts_at < end,
                                Shift.ends_at > start)
    if post:
        query = query.where(Shift.post == post)
    return list((await session.execute(query.order_by(Shift.starts_at, Shift.post))).scalars())


async def remove_shift(session: AsyncSession, tenant_id: str, shift_id: int) -> None:
    shift = (await session.execute(select(Shift).where(
        Shift.tenant_id == tenant_id, Shift.id == shift_id))).scalar_one_or_none()
    if shift is None:
        raise NotFound(f"shift {shift_id} not found")
    removed = shift_out(shift)
    await session.delete(shift)
    await outbox.add(session, shared.outbox, roster_changed(tenant_id, added=[], removed=[removed]))


async def roster_gaps(session: AsyncSession, tenant_id: str, start: datetime,
                      end: datetime) -> list[GapOut]:
    if end <= start or end - start > timedelta(days=MAX_GAP_DAYS):
        raise Unprocessable(f"ask for a period of up to {MAX_GAP_DAYS} days (to after from)")
    _, settings = await tenant_config(session, tenant_id)
    calendar = WorkdayCalendar(settings.calendar)
    shifts = await shifts_between(session, tenant_id, start, end)
    out = []
    for post in settings.posts:
        try:
            windows = coverage.required_windows(post.coverage, post.window(), calendar, start, end)
        except CalendarMissing as missing:
            raise Unprocessable(str(missing), errors=[{"field": "query.to",
                                                       "message": "no working-day calendar"}]) from missing
        own = [(s.starts_at, s.ends_at) for s in shifts if s.post == post.code]
        for gap in coverage.gaps(post.code, post.headcount, windows, own):
            out.append(GapOut(post=gap.post, starts_at=gap.starts_at.astimezone(SHANGHAI),
                              ends_at=gap.ends_at.astimezone(SHANGHAI), required=gap.required,
                              covered=gap.covered,
                              hours=round((gap.ends_at - gap.starts_at).total_seconds() / 3600, 2)))
    return sorted(out, key=lambda g: (g.starts_at, g.post))


def gap_event(tenant_id: str, post: str, starts_at: datetime, ends_at: datetime, required: int,
              covered: int):
    return new_event("inventory", "roster", "gap", tenant_id, f"{post}:{starts_at.isoformat()}", {
        "post": post, "starts_at": starts_at.astimezone(SHANGHAI).isoformat(),
        "ends_at": ends_at.astimezone(SHANGHAI).isoformat(), "required": required,
        "covered": covered, "hours": round((ends_at - starts_at).total_seconds() / 3600, 2)})


async def on_duty(session: AsyncSession, tenant_id: str, at: datetime) -> list[OnDutyOut]:
    _, settings = await tenant_config(session, tenant_id)
    rows = (await session.execute(select(Shift, Staff).join(
        Staff, (Staff.tenant_id == Shift.tenant_id) & (Staff.code == Shift.staff)).where(
        Shift.tenant_id == tenant_id, Shift.starts_at <= at, Shift.ends_at > at,
        Staff.status == "active").order_by(Shift.post, Shift.staff))).all()
    names = {p.code: p.name for p in settings.posts}
    return [OnDutyOut(post=shift.post, post_name=names.get(shift.post, shift.post),
                      staff=staff.code, name=staff.name, role=staff.role,
                      starts_at=shift.starts_at.astimezone(SHANGHAI),
                      ends_at=shift.ends_at.astimezone(SHANGHAI)) for shift, staff in rows]
