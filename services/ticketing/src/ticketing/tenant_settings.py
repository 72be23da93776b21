"""Ticketing's section of a tenant file: the systems in scope, the hook sources, the
working-day calendar, the SLA policies, the inspection schedules, the change approval chain
and the periodic reports the contract requires."""

from typing import Any

from opspact.calendar import CalendarSettings
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ticketing.changes.settings import ChangeSettings
from ticketing.deliverables.settings import DeliverableSettings
from ticketing.effort.settings import EffortBudget
from ticketing.followups.settings import FollowUpSettings
from ticketing.hooks.adapters import ADAPTERS
from ticketing.inspections.settings import InspectionSettings
from ticketing.mail.settings import EmailIntake
from ticketing.reports.settings import ReportSettings
from ticketing.sla.policy import SlaSettings


class System(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")
    name: str = Field(min_length=1, max_length=200)
    core: bool = False  # contract names it a 7×24 core system


class TicketingTenantSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    systems: list[System] = Field(min_length=1)
    hook_sources: list[str] = Field(default_factory=list)
    calendar: CalendarSettings = Field(default_factory=CalendarSettings)
    sla: SlaSettings = Field(default_factory=SlaSettings)
    inspections: InspectionSettings = Field(default_factory=InspectionSettings)
    changes: ChangeSettings = Field(default_factory=ChangeSettings)
    reports: ReportSettings = Field(default_factory=ReportSettings)
    effort_budgets: list[EffortBudget] = Field(default_factory=list, max_length=10)
    email: EmailIntake | None = None  # faults taken in by mail
    deliverables: DeliverableSettings = Field(default_factory=DeliverableSettings)
    follow_ups: FollowUpSettings = Field(default_factory=FollowUpSettings)

    @field_validator("systems")
    @classmethod
    def _unique_codes(cls, systems: list[System]) -> list[System]:
        codes = [s.code for s in systems]
        if len(codes) != len(set(codes)):
            raise ValueError("system codes must be unique")
        return systems

    @field_validator("hook_sources")
    @classmethod
    def _known_sources(cls, sources: list[str]) -> list[str]:
        unknown = set(sources) - set(ADAPTERS)
        if unknown:
            raise ValueError(f"no adapter for hook sources {sorted(unknown)}")
        return sources

    @model_validator(mode="after")
    def _policies_name_known_systems(self) -> "TicketingTenantSettings":
        codes = {s.code for s in self.systems}
        for policy in self.sla.policies:
            unknown = set(policy.match.systems or []) - codes
            if unknown:
                raise ValueError(f"policy {policy.name} names unknown systems {sorted(unknown)}")
        for schedule in self.inspections.schedules:
            unknown = {t for part in schedule.checklist for t in part.targets} - codes
            if unknown:
                raise ValueError(f"inspection schedule {schedule.code} names unknown systems "
                                 f"{sorted(unknown)}")
        if self.email is not None and self.email.system not in codes:
            raise ValueError(f"email.system {self.email.system!r} is not one of the systems")
        return self


def validate(settings: dict[str, Any], document: dict[str, Any] | None = None) -> dict[str, Any]:
    """`document`: the whole slice (contract, parties), for checks that need it."""
    return TicketingTenantSettings.model_validate(settings).model_dump(mode="json")
