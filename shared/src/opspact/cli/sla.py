"""`opspact sla due`: when is this due? — answered on the phone, in Asia/Shanghai,
on the tenant's own working-day calendar (its tenant file's ticketing calendar)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from pydantic import ValidationError

from opspact.calendar import (
    SHANGHAI,
    CalendarMissing,
    CalendarSettings,
    Schedule,
    WorkdayCalendar,
    due,
    parse_target,
    schedule_for,
)
from opspact.cli.common import CliError
from opspact.cli.stack import repo_root
from opspact.tenancy.model import load_tenant_files

WEEKDAYS = "一二三四五六日"


def register(nouns) -> None:
    parser = nouns.add_parser("sla", help="contract clocks")
    verbs = parser.add_subparsers(dest="verb", required=True)
    when = verbs.add_parser("due", help="print when a target started at START is due")
    when.add_argument("--tenant", required=True, help="tenant slug, e.g. zhuhai")
    when.add_argument("--start", required=True,
                      help="ISO 8601 instant, e.g. 2025-09-26T16:00+08:00 (no offset: Shanghai)")
    when.add_argument("--target", required=True,
                      help="30m, 4h, 1 day, 8 working hours, 5 working days")
    when.add_argument("--schedule", choices=[s.value for s in Schedule], default=Schedule.always.value,
                      help="what plain durations (m, h, day) count on (default 7x24)")
    when.add_argument("--tenants", type=Path, default=None,
                      help="tenant files directory (default deploy/tenants)")
    when.set_defaults(func=_due)


def tenant_calendar(slug: str, directory: Path | None = None) -> WorkdayCalendar:
    directory = directory or repo_root() / "deploy" / "tenants"
    try:
        tenants = {t.slug: t for t in load_tenant_files(directory)}
    except (ValidationError, ValueError, FileNotFoundError) as exc:
        raise CliError(f"cannot read tenant files in {directory}: {exc}".replace("\n", " ")) from exc
    if slug not in tenants:
        raise CliError(f"unknown tenant {slug!r}; known: {', '.join(sorted(tenants))}")
    raw = tenants[slug].services.get("ticketing", {}).get("calendar", {})
    try:
        return WorkdayCalendar(CalendarSettings.model_validate(raw))
    except ValidationError as exc:
        raise CliError(f"tenant {slug}: invalid ticketing calendar: {exc}".replace("\n", " ")) from exc


def parse_instant(text: str) -> datetime:
    try:
        instant = datetime.fromisoformat(text)
    except ValueError as exc:
        raise CliError(f"cannot read start {text!r}: write e.g. 2025-09-26T16:00+08:00") from exc
    return instant.replace(tzinfo=SHANGHAI) if instant.tzinfo is None else instant


def shanghai(instant: datetime) -> str:
    local = instant.astimezone(SHANGHAI)
    return f"{local:%Y-%m-%d %H:%M} 星期{WEEKDAYS[local.weekday()]} (Asia/Shanghai)"


def _due(args) -> int:
    calendar = tenant_calendar(args.tenant, args.tenants)
    start = parse_instant(args.start)
    try:
        target = parse_target(args.target)
    except ValueError as exc:
        raise CliError(str(exc)) from exc
    schedule = schedule_for(target, Schedule(args.schedule))
    try:
        deadline = due(start, target, calendar, Schedule(args.schedule))
    except CalendarMissing as exc:
        raise CliError(f"tenant {args.tenant}: {exc}") from exc
    print(shanghai(deadline))
    print(f"  start    {shanghai(start)}")
    print(f"  target   {target} on {schedule.value}")
    return 0
