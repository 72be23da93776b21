"""Before a message goes out: quiet hours, frequency limits and the SMS quota. Pure
functions of what the sender read, so each rule is tested on its own."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from opspact.calendar import SHANGHAI

from notify.tenant_settings import AfterQuota, Frequency, QuietHours


@dataclass(frozen=True)
class Defer:
    until: datetime
    reason: str


@dataclass(frozen=True)
class Suppress:
    reason: str


def quiet_until(quiet: QuietHours | None, now: datetime) -> datetime | None:
    """The end of the quiet window `now` falls in (Shanghai wall clock), else None."""
    if quiet is None:
        return None
    local = now.astimezone(SHANGHAI)
    clock = local.time()
    if quiet.start < quiet.end:
        inside = quiet.start <= clock < quiet.end
        end_day = local.date()
    else:  # crosses midnight, e.g. 22:00-07:00
        inside = clock >= quiet.start or clock < quiet.end
        end_day = local.date() + timedelta(days=1) if clock >= quiet.start else local.date()
    if not inside:
        return None
    return datetime.combine(end_day, quiet.end, SHANGHAI)


def over_frequency(limits: Frequency, minute: int, hour: int, day: int) -> str | None:
    for count, limit, window in ((minute, limits.per_minute, "minute"),
                                 (hour, limits.per_hour, "hour"), (day, limits.per_day, "24 hours")):
        if count >= limit:
            return f"frequency limit: {count} sent to this recipient in the last {window} (limit {limit})"
    return None


def quota_blocks(after: AfterQuota, used: int, quota: int | None, urgent: bool) -> str | None:
    if quota is None or used < quota:
        return None
    if after == AfterQuota.stop or (after == AfterQuota.urgent_only and not urgent):
        return f"SMS quota used up: {used} of {quota} segments this contract year ({after.value})"
    return None


def contract_year_start(term_start: date | None, today: date) -> date:
    """The start of the contract year `today` is in (calendar year without a term start)."""
    if term_start is None:
        return date(today.year, 1, 1)
    years = today.year - term_start.year - ((today.month, today.day) < (term_start.month, term_start.day))
    years = max(years, 0)
    try:
        return term_start.replace(year=term_start.year + years)
    except ValueError:  # 29 February
        return term_start.replace(year=term_start.year + years, day=28)
