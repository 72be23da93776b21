"""Who works the contract: engineers on each of its posts (placeholders), the roster
that keeps every post covered as its coverage demands, and the door system's record of
who came — mostly on time, now and then late, very rarely not at all."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from opspact.demo.period import Period, at, csv_files

STEMS = "甲乙丙丁戊己庚辛壬癸"
# hours a week a post needs per head, by coverage; a person works about 40
WEEKLY_HOURS = {"5x8": 40, "7x8": 56, "7x24": 168, "off_days": 20}
MANAGER = {"code": "vendor-manager", "name": "项目经理（演示）", "role": "项目经理"}


@dataclass(frozen=True)
class Engineer:
    code: str
    name: str
    post: str


@dataclass(frozen=True)
class Shift:
    post: str
    staff: str
    starts_at: datetime
    ends_at: datetime

    def body(self) -> dict:
        return {"post": self.post, "staff": self.staff, "starts_at": self.starts_at.isoformat(),
                "ends_at": self.ends_at.isoformat()}


def _posts(period: Period) -> list[dict]:
    return list(period.settings("inventory").get("posts") or [])


def engineers(period: Period) -> list[Engineer]:
    """Enough people per post to cover it working about 40 hours a week; a contract without
    posts (wuqia) still has two engineers on call."""
    people: list[Engineer] = []
    posts = _posts(period) or [{"code": None, "headcount": 2, "coverage": "5x8"}]
    for post in posts:
        wanted = max(post["headcount"], math.ceil(post["headcount"] * WEEKLY_HOURS[post["coverage"]] / 40))
        for _ in range(wanted):
            n = len(people)
            letter = f"-{chr(ord('a') + n)}" if n < len(STEMS) else f"-{n + 1:02d}"
            name = f"工程师{STEMS[n]}" if n < len(STEMS) else f"工程师{n + 1:02d}"
            people.append(Engineer(f"engineer{letter}", name, post["code"]))
    return people


def staff_bodies(period: Period) -> list[dict]:
    term_start = period.first - timedelta(days=7)
    paperwork = {"confidentiality_signed_on": term_start.isoformat(),
                 "background_check_on": term_start.isoformat()}
    names = {p["code"]: p.get("name", p["code"]) for p in _posts(period)}
    return [MANAGER] + [
        {"code": e.code, "name": e.name, "role": names.get(e.post, "运维工程师"),
         **({"post": e.post} if e.post else {}), "paperwork": paperwork}
        for e in engineers(period)]


def _windows(period: Period, post: dict) -> list[tuple[datetime, datetime]]:
    start, end = (time.fromisoformat(t) for t in post.get("hours", "09:00-17:00").split("-"))
    found = []
    for day in period.days():
        if post["coverage"] == "7x24":
            found += [(at(day, time(h)), at(day, time(h)) + timedelta(hours=8)) for h in (0, 8, 16)]
            continue
        working = period.is_workday(day)
        if {"5x8": working, "7x8": True, "off_days": not working}[post["coverage"]]:
            found.append((at(day, start), at(day, end)))
    return found


def shifts(period: Period) -> list[Shift]:
    """Each post's required windows, filled in turn from its own people."""
    people = engineers(period)
    rostered: list[Shift] = []
    for post in _posts(period):
        pool = [e.code for e in people if e.post == post["code"]]
        heads = post["headcount"]
        for k, (starts, ends) in enumerate(_windows(period, post)):
            rostered += [Shift(post["code"], pool[(k * heads + j) % len(pool)], starts, ends)
                         for j in range(heads)]
    return rostered


def attendance_csv(period: Period, rostered: list[Shift], seed: int) -> list[bytes]:
    """The door system's export, in files of at most 5,000 rows (the import's limit)."""
    rng = period.rng(seed, "attendance")
    rows = []
    for shift in rostered:
        roll = rng.random()
        if roll < 0.012:
            continue  # did not come: the roster shows the shift, attendance does not
        late = roll < 0.04
        came = shift.starts_at + timedelta(minutes=rng.randint(10, 45) if late else -rng.randint(2, 15))
        left = shift.ends_at + timedelta(minutes=rng.randint(0, 20))
        rows.append({"staff": shift.staff, "check_in_at": came.isoformat(), "check_out_at": left.isoformat(),
                     "note": "迟到" if late else ""})
    return csv_files(("staff", "check_in_at", "check_out_at", "note"), rows, 5000)
