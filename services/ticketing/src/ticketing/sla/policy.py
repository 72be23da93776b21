"""SLA policies as the tenant file states them (ticketing slice, `sla:`).

A policy matches tickets by kind, priority and system, and lists its clocks. Each
clock has a target (`30m`, `4h`, `5 working days`), the clause it comes from
(quoted, so a dispute can be settled from the ticket) and the status that stops
it. A clock may be switched to another target while the ticket waits in a named
state (xinjiang: needing another unit → resolution within 4 h)."""

from __future__ import annotations

from typing import Literal

from opspact.calendar import Schedule, parse_target
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ticketing.tickets.schemas import Priority, Status, TicketKind

SLUG = r"^[a-z][a-z0-9_]{0,31}$"
# The statuses that stop the standard clocks; any status after them stops them too.
DEFAULT_STOPS = {"response": Status.acknowledged, "on_site": Status.on_site,
                 "resolution": Status.resolved}
WAITING = (Status.waiting_other_unit, Status.waiting_finance_dept, Status.waiting_client)
# Facts recorded on a ticket that meet a clock before its status does (POST
# /tickets/{id}/effective-plan, /visit): xinjiang's 48 h is met by 提出有效解决方案, zhuhai's
# 24 h by 协商现场解决时间.
Milestone = Literal["effective_plan", "visit_agreed"]


class ClockRule(BaseModel):
    model_config = ConfigDict(extra="forbid")
    clock: str = Field(pattern=SLUG, description="response, on_site, resolution or a contract's own")
    target: str = Field(description="30m, 4h, 1 day, 8 working hours, 5 working days")
    clause: str = Field(min_length=1, max_length=500, description="the contract clause, quoted")
    stops_at: Status | None = Field(default=None, description="default by clock; required for others")
    stops_on: Milestone | None = Field(
        default=None, description="a fact recorded on the ticket that meets the clock earlier")
    unless_on_site: bool = Field(default=False, description=(
        "the clock does not start when someone is rostered on site at the report time"))
    while_status: Status | None = Field(
        default=None, description="this target replaces the clock's own while the ticket is here")
    schedule: Schedule | None = Field(default=None, description="default: the policy's schedule")

    @field_validator("target")
    @classmethod
    def _readable(cls, value: str) -> str:
        parse_target(value)  # ValueError names the problem
        return value

    @model_validator(mode="after")
    def _knows_when_to_stop(self) -> ClockRule:
        if self.stops_at is None and self.while_status is None:
            if self.clock not in DEFAULT_STOPS:
                raise ValueError(f"clock {self.clock!r} needs stops_at (the status that meets it)")
            self.stops_at = DEFAULT_STOPS[self.clock]
        if self.while_status is not None and self.while_status not in WAITING:
            raise ValueError(f"while_status must be a waiting state ({', '.join(WAITING)})")
        return self


class Match(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kinds: list[TicketKind] = Field(default_factory=lambda: [TicketKind.incident])
    priorities: list[Priority] = Field(default_factory=lambda: list(Priority))
    systems: list[str] | None = Field(default=None, description="system codes; none = every system")
    core_only: bool = False


class Policy(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")
    match: Match = Field(default_factory=Match)
    schedule: Schedule = Schedule.always
    warn_at_percent: int = Field(default=80, ge=1, le=99)
    pause_in: list[Status] = Field(default_factory=lambda: [Status.waiting_client],
                                   description="states in which the clocks stand still")
    clocks: list[ClockRule] = Field(min_length=1)

    @model_validator(mode="after")
    def _one_base_target_per_clock(self) -> Policy:
        base = [c.clock for c in self.clocks if c.while_status is None]
        twice = {c for c in base if base.count(c) > 1}
        if twice:
            raise ValueError(f"policy {self.name}: clocks {sorted(twice)} have two base targets")
        orphans = {c.clock for c in self.clocks if c.while_status} - set(base)
        if orphans:
            raise ValueError(f"policy {self.name}: conditional targets for clocks without a base "
                             f"target: {sorted(orphans)}")
        return self

    def base_rules(self) -> list[ClockRule]:
        return [c for c in self.clocks if c.while_status is None]

    def rule_for(self, clock: str, status: str) -> ClockRule | None:
        """The target a clock runs on while the ticket is in `status`."""
        base = None
        for rule in self.clocks:
            if rule.clock != clock:
                continue
            if rule.while_status == status:
                return rule
            if rule.while_status is None:
                base = rule
        return base

    def matches(self, kind: str, priority: str, system: str, core: bool) -> bool:
        m = self.match
        return (kind in m.kinds and priority in m.priorities
                and (m.systems is None or system in m.systems) and (core or not m.core_only))


class SlaSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    policies: list[Policy] = Field(default_factory=list, description="first match wins")

    @field_validator("policies")
    @classmethod
    def _unique_names(cls, policies: list[Policy]) -> list[Policy]:
        names = [p.name for p in policies]
        if len(names) != len(set(names)):
            raise ValueError("policy names must be unique")
        return policies

    def policy_for(self, kind: str, priority: str, system: str, core: bool) -> Policy | None:
        return next((p for p in self.policies if p.matches(kind, priority, system, core)), None)
