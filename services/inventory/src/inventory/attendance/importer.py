"""考勤导入: the records of a site's door or attendance system (CSV as it exports them —
UTF-8 or GB18030 — or XLSX), for sites where engineers do not check in through OpsPact.

Columns are found by the names such systems use, Chinese or English; times are read in
Asia/Shanghai unless they carry an offset, and a time alone takes the row's 日期. Every row
is checked first and a bad one imports nothing (each named with its line); the same row
imported again is the same record (the unique staff + check-in index), so a file can be
sent twice. A row must have both punches: a stretch left open would block the person's own
check-in, and a missed punch is a manager's correction, not an import."""

from __future__ import annotations

from datetime import date, datetime

from opspact import tabular
from opspact.calendar import SHANGHAI
from opspact.errors import Unprocessable
from pydantic import BaseModel
from sqlalchemy import or_, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from inventory.attendance.models import Attendance
from inventory.people.models import Staff

MAX_ROWS = 5000
COLUMNS = {
    "staff": ("工号", "人员编号", "编号", "staff"),
    "check_in_at": ("签到时间", "上班打卡", "上班时间", "进入时间", "check_in_at"),
    "check_out_at": ("签退时间", "下班打卡", "下班时间", "离开时间", "check_out_at"),
    "day": ("日期", "date"),
    "note": ("备注", "note"),
}
REQUIRED = ("staff", "check_in_at", "check_out_at")
FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M")


class ImportOutcome(BaseModel):
    imported: int
    unchanged: int
    staff: list[str]


def _instant(text: str, day: date | None) -> datetime:
    text = text.strip()
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        value = None
        for pattern in FORMATS:
            try:
                value = datetime.strptime(text, pattern)
                break
            except ValueError:
                continue
        if value is None and day is not None:
            for pattern in ("%H:%M:%S", "%H:%M"):
                try:
                    value = datetime.combine(day, datetime.strptime(text, pattern).time())
                    break
                except ValueError:
                    continue
    if value is None:
        raise ValueError(f"not a time: {text!r}")
    return value.replace(tzinfo=SHANGHAI) if value.tzinfo is None else value


def _day(text: str | None) -> date | None:
    if not text or not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip().replace("/", "-"))
    except ValueError:
        raise ValueError(f"not a date: {text!r}") from None


def _columns(header: list[str]) -> dict[str, str]:
    found = {}
    for field, names in COLUMNS.items():
        present = [h for h in header if h.lower() in names]
        if present:
            found[field] = present[0]
    missing = [f"{field} ({' / '.join(COLUMNS[field])})" for field in REQUIRED if field not in found]
    if missing:
        raise Unprocessable(f"the file lacks the column(s) {'; '.join(missing)}")
    return found


def parse(raw: bytes, content_type: str) -> list[tuple[int, dict]]:
    header, records = tabular.read(raw, content_type, MAX_ROWS)
    columns = _columns(header)
    rows, errors = [], []
    for line, record in records:
        try:
            day = _day(record.get(columns["day"])) if "day" in columns else None
            staff = (record.get(columns["staff"]) or "").strip()
            if not staff:
                raise ValueError("no staff code")
            check_in = _instant(record.get(columns["check_in_at"]) or "", day)
            check_out = _instant(record.get(columns["check_out_at"]) or "", day)
            if check_out <= check_in:
                raise ValueError("the check-out is not after the check-in")
            note = (record.get(columns["note"]) or "").strip()[:500] if "note" in columns else ""
        except ValueError as exc:
            errors.append(f"line {line}: {exc}")
            continue
        rows.append((line, {"staff": staff, "check_in_at": check_in, "check_out_at": check_out,
                            "note": note}))
    ordered = sorted(rows, key=lambda lr: (lr[1]["staff"], lr[1]["check_in_at"]))
    for (_, a), (line, b) in zip(ordered, ordered[1:], strict=False):
        if a["staff"] == b["staff"] and b["check_in_at"] < a["check_out_at"] \
                and b["check_in_at"] != a["check_in_at"]:
            errors.append(f"line {line}: overlaps another row of {b['staff']} in the file")
    if errors:
        raise Unprocessable(f"{len(errors)} bad row(s); nothing was imported: " + "; ".join(errors[:20]))
    if not rows:
        raise Unprocessable("the file has a header but no rows")
    return rows


async def run(session: AsyncSession, tenant_id: str, raw: bytes, content_type: str,
              actor: str) -> ImportOutcome:
    rows = parse(raw, content_type)
    codes = sorted({r["staff"] for _, r in rows})
    known = {s.code: s for s in (await session.execute(select(Staff).where(
        Staff.tenant_id == tenant_id, Staff.code.in_(codes)))).scalars()}
    errors = [f"line {line}: staff {r['staff']!r} is not registered" for line, r in rows
              if r["staff"] not in known]
    first = min(r["check_in_at"] for _, r in rows)
    last = max(r["check_out_at"] for _, r in rows)
    existing = list((await session.execute(select(Attendance).where(
        Attendance.tenant_id == tenant_id, Attendance.staff.in_(codes), Attendance.check_in_at < last,
        or_(Attendance.check_out_at.is_(None), Attendance.check_out_at > first)))).scalars())
    for line, r in rows:  # the same record again is fine; a different overlapping one is not
        for other in existing:
            if other.staff != r["staff"] or other.check_in_at == r["check_in_at"]:
                continue
            ends = other.check_out_at or datetime.max.replace(tzinfo=SHANGHAI)
            if other.check_in_at < r["check_out_at"] and ends > r["check_in_at"]:
                errors.append(f"line {line}: overlaps {r['staff']}'s record from "
                              f"{other.check_in_at.astimezone(SHANGHAI):%Y-%m-%d %H:%M}")
    if errors:
        raise Unprocessable(f"{len(errors)} bad row(s); nothing was imported: " + "; ".join(errors[:20]))
    values = [{"tenant_id": tenant_id, "source": "import", "recorded_by": actor, **r} for _, r in rows]
    inserted = await session.execute(
        insert(Attendance).values(values)
        .on_conflict_do_nothing(index_elements=["tenant_id", "staff", "check_in_at"])
        .returning(Attendance.id))
    imported = len(inserted.all())
    return ImportOutcome(imported=imported, unchanged=len(values) - imported, staff=codes)

