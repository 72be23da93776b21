from datetime import datetime
from enum import Enum
from uuid import UUID

from opspact.types import IsoInstant, Stripped
from pydantic import BaseModel, ConfigDict, Field


class TicketKind(str, Enum):
    incident = "incident"
    service_request = "service_request"
    consultation = "consultation"


class Status(str, Enum):
    new = "new"
    acknowledged = "acknowledged"
    dispatched = "dispatched"
    on_site = "on_site"
    waiting_other_unit = "waiting_other_unit"
    waiting_finance_dept = "waiting_finance_dept"
    waiting_client = "waiting_client"
    resolved = "resolved"
    closed = "closed"


class Priority(str, Enum):
    p1 = "p1"  # 重大故障
    p2 = "p2"
    p3 = "p3"
    p4 = "p4"


class Channel(str, Enum):
    hotline = "hotline"
    platform = "platform"
    hook = "hook"
    email = "email"
    wechat_qq = "wechat_qq"
    on_site = "on_site"
    inspection = "inspection"  # found on an inspection round
    follow_up = "follow_up"  # a complaint from a follow-up's low score


class TicketCreate(Stripped):
    model_config = ConfigDict(extra="forbid")

    kind: TicketKind = TicketKind.incident
    priority: Priority = Priority.p3
    channel: Channel = Channel.hotline
    system: str = Field(min_length=1, max_length=64, description="system code from the tenant file")
    title: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=20000)
    reporter: str | None = Field(default=None, max_length=100)
    reporter_mobile: str | None = Field(default=None, pattern=r"^1[3-9]\d{9}$", description=(
        "the reporter's mainland mobile number: the follow-up (回访) goes to it by SMS once resolved"))


class TransitionCreate(Stripped):
    model_config = ConfigDict(extra="forbid")

    to: Status
    note: str = Field(default="", max_length=2000, description="required when reopening")
    expected_status: Status | None = Field(
        default=None, description="refuse (409) unless the ticket is still in this status")
    assignee: str | None = Field(default=None, min_length=1, max_length=100,
                                 description="assign in the same step, e.g. when dispatching")


class TicketUpdate(Stripped):
    """Only the fields sent are changed; `assignee: null` unassigns."""
    model_config = ConfigDict(extra="forbid")

    kind: TicketKind | None = None
    priority: Priority | None = None
    system: str | None = Field(default=None, min_length=1, max_length=64)
    title: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=20000)
    reporter: str | None = Field(default=None, max_length=100)
    assignee: str | None = Field(default=None, min_length=1, max_length=100)
    note: str = Field(default="", max_length=2000, description="why, for the timeline")


class TimelineOut(BaseModel):
    at: datetime
    actor: str
    action: str
    note: str
    from_status: Status | None = None
    to_status: Status | None = None


class NextStatus(BaseModel):
    to: Status
    reopen: bool = Field(description="leaving resolved for an open status: a note is required")


class SlaClockOut(BaseModel):
    clock: str = Field(description="response, on_site, resolution or a contract's own clock")
    policy: str
    target: str
    clause: str = Field(description="the contract clause the target comes from")
    schedule: str
    state: str = Field(description="running, paused, met, breached, calendar_missing or cancelled")
    started_at: datetime
    due_at: datetime | None = Field(description="Asia/Shanghai; null while the calendar is missing")
    warn_at: datetime | None = Field(default=None, description=(
        "when the clock enters its warning band (the policy's warn_at_percent of the target)"))
    remaining_seconds: int | None = Field(description="negative when overdue; null unless running")
    paused_seconds: int
    missing_year: int | None = None
    stopped_at: datetime | None = None
    breached_at: datetime | None = None


class TicketOut(BaseModel):
    id: UUID
    number: str
    tenant: str
    kind: TicketKind
    status: Status
    priority: Priority
    channel: Channel
    system: str
    system_name: str | None = None
    title: str
    description: str
    reporter: str | None
    assignee: str | None = None
    source: str | None
    external_id: str | None
    monitor_id: str | None = Field(default=None, description=(
        "the monitoring source's own id of the alert: Alertmanager's fingerprint, Zabbix's "
        "host and trigger, a generic monitor's id (GET /tickets?monitor_id= finds it)"))
    occurrences: int
    visit_at: datetime | None = Field(default=None, description="the on-site visit time agreed")
    resolved_at: datetime | None = Field(default=None, description=(
        "when it last became resolved (kept when closed, cleared when reopened)"))
    created_at: datetime
    updated_at: datetime
    timeline: list[TimelineOut] | None = None
    sla: list[SlaClockOut] = Field(default_factory=list)
    next_statuses: list[NextStatus] = Field(default_factory=list, description=(
        "the statuses the workflow allows from here (a reopen needs a note)"))


class EffectivePlanIn(Stripped):
    """有效解决方案: how the fault will be solved, offered to the client (xinjiang: within
    48 h it meets the resolution clause)."""
    model_config = ConfigDict(extra="forbid")
    plan: str = Field(min_length=1, max_length=4000)


class VisitIn(Stripped):
    """The on-site visit time agreed with the client (zhuhai: within 24 h of the call)."""
    model_config = ConfigDict(extra="forbid")
    visit_at: IsoInstant
    note: str = Field(default="", max_length=2000, description="who agreed it, how")


class TicketPage(BaseModel):
    items: list[TicketOut]
    total: int
    limit: int
    offset: int
    total_capped: bool = Field(default=False, description=(
        "a word search matches more tickets than it counts (1,000): total is a lower bound"))
    terms: list[str] = Field(default_factory=list, description="the words q was cut into")
    sort: str = Field(default="-created_at", description=(
        "the order applied: relevance, unless more than 1,000 tickets match the words "
        "(then newest first)"))
