"""Notify's section of a tenant file: who can be reached how, and which events go to whom.

Contacts are placeholders in the repo (never a contract's real names or numbers). A
contact whose `code` is an inventory staff code is how the engineer on duty is reached:
inventory knows who is rostered, notify knows their mobile. Secrets (provider keys) never
live here — only which provider, signature and approved template codes to use."""

from __future__ import annotations

import re
from datetime import time
from enum import Enum
from typing import Any

from opspact.tenancy.model import MOBILE_PATTERN
from pydantic import BaseModel, ConfigDict, Field, StrictBool, field_validator, model_validator

from notify import catalogue

EMAIL_PATTERN = r"^[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,190}\.[A-Za-z]{2,24}$"
CODE = r"^[a-z0-9][a-z0-9_-]{0,63}$"
DATA_FIELD = r"^[a-z][a-z0-9_]{0,63}$"
HOURS = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$")


class Channel(str, Enum):
    sms = "sms"
    email = "email"
    wecom = "wecom"
    dingtalk = "dingtalk"


class SmsProvider(str, Enum):
    alibaba = "alibaba"
    tencent = "tencent"
    http = "http"
    local_sink = "local_sink"


class QuietHours(BaseModel):
    """A daily window (Asia/Shanghai) in which non-urgent messages wait; may cross midnight."""
    model_config = ConfigDict(extra="forbid")
    start: time
    end: time

    @classmethod
    def parse(cls, text: str) -> QuietHours:
        match = HOURS.match(text)
        if not match:
            raise ValueError(f"quiet hours {text!r}: write HH:MM-HH:MM (e.g. 22:00-07:00)")
        h1, m1, h2, m2 = map(int, match.groups())
        if (h1, m1) == (h2, m2):
            raise ValueError(f"quiet hours {text!r} start and end at the same time")
        return cls(start=time(h1, m1), end=time(h2, m2))


class Contact(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(pattern=CODE)
    name: str = Field(min_length=1, max_length=50)
    mobile: str | None = None
    email: str | None = None
    wecom: str | None = Field(default=None, pattern=CODE, description="a chat robot's name")
    dingtalk: str | None = Field(default=None, pattern=CODE, description="a chat robot's name")
    quiet_hours: str | None = None

    @field_validator("mobile")
    @classmethod
    def _mobile(cls, value: str | None) -> str | None:
        if value is not None and not re.match(MOBILE_PATTERN, value):
            raise ValueError(f"mobile {value!r} is not a mainland mobile number (11 digits, 1[3-9]…)")
        return value

    @field_validator("email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        if value is not None and not re.match(EMAIL_PATTERN, value):
            raise ValueError(f"email {value!r} is not an address")
        return value

    @field_validator("quiet_hours")
    @classmethod
    def _quiet(cls, value: str | None) -> str | None:
        if value is not None:
            QuietHours.parse(value)
        return value

    def address(self, channel: Channel) -> str | None:
        return self.mobile if channel == Channel.sms else getattr(self, channel.value)

    def quiet(self) -> QuietHours | None:
        return QuietHours.parse(self.quiet_hours) if self.quiet_hours else None


class Robot(BaseModel):
    """A WeCom or DingTalk group robot; its webhook key and signing secret come from the
    environment (OPSPACT_NOTIFY_ROBOT_<NAME>_URL / _SECRET), never from this file."""
    model_config = ConfigDict(extra="forbid")
    name: str = Field(pattern=CODE)
    kind: Channel


class Level(BaseModel):
    """One step of a rule: who, over which channels (in order, each a fallback for the one
    before), and — past the first — after how many unacknowledged minutes."""
    model_config = ConfigDict(extra="forbid")
    to: list[str] = Field(min_length=1, max_length=20)
    otherwise: list[str] = Field(default_factory=list, max_length=20,
                                 description="when `to` reaches nobody (no one rostered)")
    channels: list[Channel] = Field(min_length=1, max_length=4)
    after_minutes: int | None = Field(default=None, ge=1, le=7 * 24 * 60)

    @field_validator("to", "otherwise")
    @classmethod
    def _audiences(cls, value: list[str]) -> list[str]:
        for audience in value:
            kind, _, name = audience.partition(":")
            if audience == "on_duty" or (kind == "on_duty" and name):
                continue
            if kind in ("contact", "group") and re.match(CODE, name):
                continue
            if kind in ("data", "address") and re.match(DATA_FIELD, name):
                continue  # staff codes (data:mentioned) or an address (address:to) the event names
            raise ValueError(f"audience {audience!r}: write on_duty, on_duty:<post>, "
                             "contact:<code>, group:<name>, data:<event field> or address:<event field>")
        return value

    @field_validator("channels")
    @classmethod
    def _distinct(cls, value: list[Channel]) -> list[Channel]:
        if len(set(value)) != len(value):
            raise ValueError("a channel is listed twice")
        return value


class Rule(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=64)
    events: list[str] = Field(min_length=1, max_length=20)
    # event data field -> the values that match (e.g. priority: [p1, p2])
    match: dict[str, list[str]] = Field(default_factory=dict, max_length=10)
    template: str = Field(pattern=CODE)
    urgent: StrictBool = Field(default=False, description="ignores quiet hours and frequency limits")
    levels: list[Level] = Field(min_length=1, max_length=5)
    # events about the same subject that count as someone acting on it (stop escalating)
    acknowledged_by: list[str] = Field(default_factory=list, max_length=10)

    @field_validator("events", "acknowledged_by")
    @classmethod
    def _known_events(cls, value: list[str]) -> list[str]:
        unknown = [e for e in value if e not in catalogue.EVENTS]
        if unknown:
            raise ValueError(f"unknown event types {unknown}; notify routes {sorted(catalogue.EVENTS)}")
        return value

    @model_validator(mode="after")
    def _levels(self) -> Rule:
        if self.levels[0].after_minutes is not None:
            raise ValueError(f"rule {self.name!r}: the first level goes out at once (no after_minutes)")
        later = [lv.after_minutes for lv in self.levels[1:]]
        if any(m is None for m in later):
            raise ValueError(f"rule {self.name!r}: every escalation level needs after_minutes")
        if later != sorted(later) or len(set(later)) != len(later):
            raise ValueError(f"rule {self.name!r}: escalation minutes must increase")
        return self


class Frequency(BaseModel):
    """Per recipient, for non-urgent messages, enforced before the provider's own limits."""
    model_config = ConfigDict(extra="forbid")
    per_minute: int = Field(default=1, ge=1, le=1000)
    per_hour: int = Field(default=5, ge=1, le=10000)
    per_day: int = Field(default=10, ge=1, le=100000)


class AfterQuota(str, Enum):
    carry_on = "carry_on"  # keep sending; the overage is the contract's business
    urgent_only = "urgent_only"
    stop = "stop"


class Sms(BaseModel):
    model_config = ConfigDict(extra="forbid")
    providers: list[SmsProvider] = Field(default=[SmsProvider.local_sink], min_length=1, max_length=4)
    sign_name: str = Field(default="运维服务台", min_length=2, max_length=12)
    segment_limit: int = Field(default=3, ge=1, le=10)
    # provider -> our template name -> the provider's approved template id
    provider_templates: dict[SmsProvider, dict[str, str]] = Field(default_factory=dict)
    # A cap the contract puts on the messages sent (none of the five does): past it,
    # `after_quota` decides. Segments are counted per contract year all the same.
    quota_per_year: int | None = Field(default=None, ge=1, description="segments per contract year")
    after_quota: AfterQuota = AfterQuota.carry_on
    # A volume the contract only estimates (beijing: 预计每年360万条 business SMS the vendor
    # sends for permit processing): shown beside the count, never a cap on alerts.
    estimated_per_year: int | None = Field(default=None, ge=1,
                                           description="segments the contract expects a year")
    estimate_clause: str | None = Field(default=None, max_length=1000)


class NotifyTenantSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    contacts: list[Contact] = Field(default_factory=list, max_length=2000)
    groups: dict[str, list[str]] = Field(default_factory=dict, max_length=100)
    robots: list[Robot] = Field(default_factory=list, max_length=50)
    rules: list[Rule] = Field(default_factory=list, max_length=200)
    sms: Sms = Field(default_factory=Sms)
    frequency: Frequency = Field(default_factory=Frequency)

    @model_validator(mode="after")
    def _references(self) -> NotifyTenantSettings:
        codes = [c.code for c in self.contacts]
        twice = sorted({c for c in codes if codes.count(c) > 1})
        if twice:
            raise ValueError(f"contacts listed twice: {twice}")
        for group, members in self.groups.items():
            if not re.match(CODE, group):
                raise ValueError(f"group name {group!r} is not a code (a-z, 0-9, - and _)")
            missing = [m for m in members if m not in codes]
            if missing:
                raise ValueError(f"group {group!r} names unknown contacts {missing}")
        robots = {r.name for r in self.robots}
        for contact in self.contacts:
            for channel in (Channel.wecom, Channel.dingtalk):
                name = contact.address(channel)
                if name and name not in robots:
                    raise ValueError(f"contact {contact.code!r} names unknown {channel.value} robot {name!r}")
        names = [r.name for r in self.rules]
        if len(set(names)) != len(names):
            raise ValueError("two rules share a name")
        for rule in self.rules:
            template = catalogue.TEMPLATES.get(rule.template)
            if template is None:
                raise ValueError(f"rule {rule.name!r}: unknown template {rule.template!r}")
            foreign = [e for e in rule.events if e not in template.events]
            if foreign:
                raise ValueError(f"rule {rule.name!r}: template {rule.template!r} renders "
                                 f"{list(template.events)}, not {foreign}")
            for level in rule.levels:
                if template.email_only and set(level.channels) != {Channel.email}:
                    raise ValueError(f"rule {rule.name!r}: template {rule.template!r} is sent by "
                                     "email only; its levels' channels must be [email]")
                for audience in level.to + level.otherwise:
                    kind, _, name = audience.partition(":")
                    if kind == "contact" and name not in codes:
                        raise ValueError(f"rule {rule.name!r}: unknown contact {name!r}")
                    if kind == "group" and name not in self.groups:
                        raise ValueError(f"rule {rule.name!r}: unknown group {name!r}")
        return self

    def contact(self, code: str) -> Contact | None:
        return next((c for c in self.contacts if c.code == code), None)


def validate(settings: dict[str, Any], document: dict[str, Any] | None = None) -> dict[str, Any]:
    """`document`: the whole slice (contract, parties), for checks that need it."""
    return NotifyTenantSettings.model_validate(settings).model_dump(mode="json")


async def load(session, tenant_id: str) -> tuple[dict[str, Any], NotifyTenantSettings]:
    """The tenant's whole notify slice (contract term included) and its settings, parsed
    once per version of the slice (both shared between callers: read-only)."""
    from opspact.tenancy.registry import parsed_tenant

    from notify.tables import shared
    return await parsed_tenant(session, shared.tenants, tenant_id, _with_settings)


def _with_settings(config: dict[str, Any]) -> tuple[dict[str, Any], NotifyTenantSettings]:
    return config, NotifyTenantSettings.model_validate(config["settings"])
