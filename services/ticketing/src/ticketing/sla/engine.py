"""What a ticket's life does to its SLA clocks.

A clock counts its target on its schedule from `started_at`, minus its pauses. The
pauses are kept as intervals (not as a sum), so whenever the target, the schedule or
the policy changes the deadline is recomputed exactly, with the paused time counted
again on the new schedule — a priority change never loses paused time.

- Entering a status the policy pauses in stops the clocks; leaving it resumes them.
- A conditional target (`while_status`) replaces the clock's own while the ticket
  is in that status; leaving the status restores the base target.
- Reaching a clock's `stops_at` (or anything further along the main line) stops it:
  met when on time, breached otherwise. A breach is a fact: it is never undone.
- Reopening a resolved ticket revives the clocks the resolution stopped; the time it
  spent resolved counts as paused (the fault was believed fixed; as ServiceNow does).
- A deadline in a year without calendar data makes the clock `calendar_missing`:
  no due date, an event, never a guess. Stopped before that year began, it was met.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from opspact.calendar import (
    SHANGHAI,
    CalendarMissing,
    Schedule,
    WorkdayCalendar,
    add,
    elapsed,
    parse_target,
    schedule_for,
)

from ticketing.sla.models import SlaClock
from ticketing.sla.policy import ClockRule, Policy
from ticketing.tenant_settings import TicketingTenantSettings
from ticketing.tickets.schemas import Status
from ticketing.tickets.workflow import rank

DEFAULT_PAUSE_IN = (Status.waiting_client,)
DEFAULT_WARN_PERCENT = 80


@dataclass
class Outcome:
    """What the caller must announce: clocks newly breached, breached clocks stopped
    (the late work done), clocks newly without a calendar."""
    breached: list[SlaClock] = field(default_factory=list)
    stopped_late: list[SlaClock] = field(default_factory=list)
    missing: list[tuple[SlaClock, str]] = field(default_factory=list)


class ClockEngine:
    def __init__(self, settings: TicketingTenantSettings, now: datetime) -> None:
        self.calendar = WorkdayCalendar(settings.calendar)
        self.policies = {p.name: p for p in settings.sla.policies}
        self.now = now
        self.outcome = Outcome()

    # -- single-clock operations ------------------------------------------------

    def reschedule(self, clock: SlaClock) -> None:
        """Recompute due and warn instants from the clock's target, schedule and pauses."""
        target = parse_target(clock.target)
        schedule = Schedule(clock.schedule)
        policy = self.policies.get(clock.policy)
        percent = policy.warn_at_percent if policy else DEFAULT_WARN_PERCENT
        try:
            paused = sum((elapsed(_at(a), _at(b), schedule, self.calendar)
                          for a, b in clock.pauses), timedelta(0))
            due_at = add(clock.started_at, target.counted() + paused, schedule, self.calendar)
            warn_at = add(clock.started_at, target.counted() * percent / 100 + paused,
                          schedule, self.calendar)
        except CalendarMissing as missing:
            already = clock.state == "calendar_missing" and clock.missing_year == missing.year
            clock.due_at = clock.warn_at = None
            clock.missing_year = missing.year
            if clock.state in ("running", "paused", "calendar_missing"):
                clock.state = "calendar_missing"
                if not already:
                    self.outcome.missing.append((clock, str(missing)))
            return
        clock.due_at, clock.warn_at, clock.missing_year = due_at, warn_at, None
        if clock.state == "calendar_missing":
            clock.state = "paused" if clock.paused_since else "running"

    def retarget(self, clock: SlaClock, rule: ClockRule, policy: Policy) -> None:
        target = parse_target(rule.target)
        clock.policy = policy.name
        clock.target = str(target)
        clock.clause = rule.clause
        clock.schedule = schedule_for(target, rule.schedule or policy.schedule).value
        if rule.stops_at is not None:
            clock.stops_at = rule.stops_at.value
        self.reschedule(clock)

    def pause(self, clock: SlaClock, at: datetime) -> None:
        if clock.stopped_at or clock.paused_since:
            return
        clock.paused_since = at
        if clock.state == "running":
            clock.state = "paused"

    def resume(self, clock: SlaClock, at: datetime) -> None:
        if clock.paused_since is None:
            return
        self._add_pause(clock, clock.paused_since, at)
        clock.paused_since = None
        if clock.state == "paused":
            clock.state = "running"
        self.reschedule(clock)

    def stop(self, clock: SlaClock, at: datetime) -> None:
        if clock.stopped_at:
            return
        self.resume(clock, at)
        clock.stopped_at = at
        if clock.state == "calendar_missing":
            # Due lies in the unknown year, so stopping before that year began is on time.
            if at < datetime(clock.missing_year, 1, 1, tzinfo=SHANGHAI):
                clock.state = "met"
            return
        if clock.breached_at is not None or at > clock.due_at:
            clock.state = "breached"
            if clock.breached_at is None:
                clock.breached_at = clock.due_at
                self.outcome.breached.append(clock)
            self.outcome.stopped_late.append(clock)
        else:
            clock.state = "met"

    def revive(self, clock: SlaClock, at: datetime) -> None:
        """Reopen: run again, the resolved interval counted as a pause."""
        if clock.stopped_at is None or clock.state == "cancelled":
            return
        self._add_pause(clock, clock.stopped_at, at)
        clock.stopped_at = None
        clock.state = "running"
        self.reschedule(clock)

    def cancel(self, clock: SlaClock, at: datetime) -> None:
        if clock.stopped_at:
            return
        self.resume(clock, at)
        clock.state, clock.stopped_at = "cancelled", at

    @staticmethod
    def _add_pause(clock: SlaClock, since: datetime, until: datetime) -> None:
        if until <= since:
            return
        # A new list, so the ORM sees the JSONB change.
        clock.pauses = [*clock.pauses, [since.isoformat(), until.isoformat()]]
        clock.paused_total = (clock.paused_total or timedelta(0)) + (until - since)

    # -- what a ticket's change does to all of its clocks ----------------------------

    def on_status(self, clocks: list[SlaClock], old: str, new: str) -> Outcome:
        reopening = rank(old) >= rank(Status.resolved) > rank(new)
        for clock in clocks:
            if clock.state == "cancelled":
                continue
            if reopening and clock.stopped_at and rank(new) < rank(clock.stops_at):
                self.revive(clock, self.now)
            if clock.stopped_at:
                continue
            policy = self.policies.get(clock.policy)
            pause_in = policy.pause_in if policy else DEFAULT_PAUSE_IN
            if new in pause_in:
                self.pause(clock, self.now)
            else:
                self.resume(clock, self.now)
            if rank(new) >= rank(clock.stops_at):
                # Judged on the target in force until now: a fault that needed another
                # unit is held to its 4 h even as it is resolved.
                self.stop(clock, self.now)
                continue
            rule = policy.rule_for(clock.clock, new) if policy else None
            if rule is not None and _differs(clock, rule):
                self.retarget(clock, rule, policy)
        return self.outcome

    def on_milestone(self, clocks: list[SlaClock], milestone: str) -> Outcome:
        """A fact recorded on the ticket (an effective plan, an agreed visit) stops the
        running clocks whose rule names it: met if in time, breached if late."""
        for clock in clocks:
            if clock.stopped_at or clock.state == "cancelled":
                continue
            policy = self.policies.get(clock.policy)
            rule = next((r for r in policy.base_rules() if r.clock == clock.clock), None) \
                if policy else None
            if rule is not None and rule.stops_on == milestone:
                self.stop(clock, self.now)
        return self.outcome

    def on_policy(self, ticket, clocks: list[SlaClock], policy: Policy | None,
                  reached: Callable[[str], datetime | None],
                  skip: frozenset[str] = frozenset()) -> list[SlaClock]:
        """Priority, kind or system changed: move the open clocks to `policy`, keep their
        start and pauses, cancel the ones it does not have, start the ones it adds.
        `reached(status)` says when the ticket first got that far (to judge a new
        clock the ticket has already passed). Returns the clocks it created."""
        wanted = {rule.clock: rule for rule in (policy.base_rules() if policy else [])
                  if rule.clock not in skip}
        for clock in clocks:
            if clock.clock not in wanted:
                self.cancel(clock, self.now)
        template = max(clocks, key=lambda c: len(c.pauses), default=None)
        by_name = {c.clock: c for c in clocks}
        created = []
        for name, base in wanted.items():
            clock = by_name.get(name)
            if clock is None:
                clock = SlaClock(tenant_id=ticket.tenant_id, ticket_id=ticket.id, clock=name,
                                 state="running", started_at=ticket.created_at,
                                 pauses=list(template.pauses) if template else [],
                                 paused_total=template.paused_total if template else timedelta(0),
                                 paused_since=template.paused_since if template else None)
                created.append(clock)
            elif clock.state == "cancelled":  # back under a policy that has it
                clock.state, clock.stopped_at = "running", None
            elif clock.stopped_at:
                continue  # met or breached stays as it was judged
            self.retarget(clock, policy.rule_for(name, ticket.status) or base, policy)
            if ticket.status in policy.pause_in:
                self.pause(clock, self.now)
            else:
                self.resume(clock, self.now)
            if rank(ticket.status) >= rank(clock.stops_at):
                self.stop(clock, reached(clock.stops_at) or self.now)
        return created

    def start(self, ticket, policy: Policy, skip: frozenset[str] = frozenset()) -> list[SlaClock]:
        """The clocks of a new ticket (but those in `skip`: their condition is not met)."""
        clocks = []
        for rule in policy.base_rules():
            if rule.clock in skip:
                continue
            clock = SlaClock(tenant_id=ticket.tenant_id, ticket_id=ticket.id, clock=rule.clock,
                             state="running", started_at=ticket.created_at, pauses=[],
                             paused_total=timedelta(0))
            self.retarget(clock, rule, policy)
            clocks.append(clock)
        return clocks


def _differs(clock: SlaClock, rule: ClockRule) -> bool:
    return clock.target != str(parse_target(rule.target)) or clock.clause != rule.clause


def _at(value: str | datetime) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)
