"""Contract time: targets like `4h` or `5 working days`, working-day calendars built
on `chinesecalendar` (statutory holidays and 调休) plus a tenant's own years, and the
due instant of a target counted on one of those calendars, in Asia/Shanghai."""

from opspact.calendar.clock import SHANGHAI, Schedule, add, due, elapsed, minute_text, schedule_for
from opspact.calendar.targets import Target, Unit, parse_target
from opspact.calendar.workdays import CalendarMissing, CalendarSettings, CalendarYear, WorkdayCalendar

__all__ = ["SHANGHAI", "CalendarMissing", "CalendarSettings", "CalendarYear", "Schedule", "Target",
           "Unit", "WorkdayCalendar", "add", "due", "elapsed", "minute_text", "parse_target",
           "schedule_for"]
