"""Turn each platform's report into signals: a fault to open (or count again) or a
recovery that resolves the open incident.

Two ways to recognise "the same fault again":
- the fee platforms give each fault report its own id (`external_id`): a re-delivery
  of that id is the same ticket, whatever its status;
- monitors (Zabbix, Alertmanager, generic JSON) fire the same alert over and over: its
  fingerprint matches one *open* incident, counted in `occurrences`; after that
  incident is resolved, the alert firing again is a new incident.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar, Literal

from opspact.types import Stripped
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ticketing.tickets.schemas import Channel, Priority, TicketCreate, TicketKind

Text = Field(min_length=1, max_length=200)


@dataclass(frozen=True)
class Signal:
    key: str  # the fault id or the alert's fingerprint
    ticket: TicketCreate | None  # None for a recovery
    by_fingerprint: bool = True

    @property
    def recovery(self) -> bool:
        return self.ticket is None


class FeePlatformFault(Stripped):
    """A fault report posted by the 12123 / fee platforms (交管12123、缴费平台)."""

    model_config = ConfigDict(extra="ignore")
    batch: ClassVar[bool] = False

    fault_id: str = Field(min_length=1, max_length=128, description="the platform's own fault id")
    system: str = Field(min_length=1, max_length=64)
    title: str = Text
    description: str = Field(default="", max_length=20000)
    level: Priority = Priority.p2
    reporter: str | None = Field(default=None, max_length=100)
    occurred_at: datetime | None = None

    def signals(self) -> list[Signal]:
        description = self.description
        if self.occurred_at:
            description = f"{description}\n发生时间: {self.occurred_at.isoformat()}".strip()
        return [Signal(self.fault_id, TicketCreate(
            kind=TicketKind.incident, priority=self.level, channel=Channel.platform, system=self.system,
            title=self.title, description=description, reporter=self.reporter),
            by_fingerprint=False)]


class GenericAlert(Stripped):
    """Any JSON monitor: `id` is the alert's fingerprint, `status: resolved` recovers."""

    model_config = ConfigDict(extra="ignore")
    batch: ClassVar[bool] = False

    id: str = Field(min_length=1, max_length=128)
    status: Literal["firing", "resolved"] = "firing"
    system: str = Field(min_length=1, max_length=64)
    title: str = Text
    description: str = Field(default="", max_length=20000)
    priority: Priority = Priority.p3

    def signals(self) -> list[Signal]:
        if self.status == "resolved":
            return [Signal(self.id, None)]
        return [Signal(self.id, TicketCreate(
            kind=TicketKind.incident, priority=self.priority, channel=Channel.hook, system=self.system,
            title=self.title, description=self.description))]


# Zabbix trigger severities, 0 (not classified) … 5 (disaster).
ZABBIX_PRIORITY = {"5": Priority.p1, "disaster": Priority.p1, "4": Priority.p2,
                   "high": Priority.p2, "3": Priority.p3, "average": Priority.p3}


class ZabbixEvent(Stripped):
    """What the OpsPact webhook media type in Zabbix posts (README: Zabbix setup):
    one problem or its recovery. The fingerprint is host + trigger, so a trigger that
    keeps firing counts on one incident; its recovery resolves it."""

    model_config = ConfigDict(extra="ignore", coerce_numbers_to_str=True)
    batch: ClassVar[bool] = False

    event_id: str = Field(min_length=1, max_length=64, description="{EVENT.ID}")
    trigger_id: str = Field(min_length=1, max_length=64, description="{TRIGGER.ID}")
    host: str = Field(min_length=1, max_length=128, description="{HOST.HOST}")
    event_value: Literal["0", "1"] = Field(description="{EVENT.VALUE}: 1 problem, 0 recovery")
    severity: str = Field(default="3", max_length=32, description="{EVENT.NSEVERITY} or its name")
    name: str = Field(default="", max_length=200, description="{EVENT.NAME}")
    system: str | None = Field(default=None, max_length=64,
                               description="{$OPSPACT.SYSTEM}: the system code in the contract")
    opdata: str = Field(default="", max_length=2000, description="{EVENT.OPDATA}")
    event_time: str = Field(default="", max_length=64, description="{EVENT.DATE} {EVENT.TIME}")

    @field_validator("event_value", mode="before")
    @classmethod
    def _macro_text(cls, value):
        return str(value) if isinstance(value, int) else value  # Zabbix macros may arrive as numbers

    @model_validator(mode="after")
    def _problem_names_its_system(self) -> ZabbixEvent:
        if self.event_value == "1" and (not self.system or not self.name):
            raise ValueError("a problem event needs system ({$OPSPACT.SYSTEM}) and name")
        return self

    def signals(self) -> list[Signal]:
        key = f"{self.host}:{self.trigger_id}"
        if self.event_value == "0":
            return [Signal(key, None)]
        lines = [f"主机: {self.host}", f"Zabbix 事件: {self.event_id}"]
        lines += [f"当前值: {self.opdata}"] if self.opdata else []
        lines += [f"发生时间: {self.event_time}"] if self.event_time else []
        priority = ZABBIX_PRIORITY.get(self.severity.lower(), Priority.p4)
        return [Signal(key, TicketCreate(
            kind=TicketKind.incident, priority=priority, channel=Channel.hook, system=self.system,
            title=f"[{self.host}] {self.name}"[:200], description="\n".join(lines)))]


ALERTMANAGER_PRIORITY = {"critical": Priority.p1, "error": Priority.p2, "major": Priority.p2,
                         "warning": Priority.p3}


class Alert(BaseModel):
    model_config = ConfigDict(extra="ignore")
    status: Literal["firing", "resolved"]
    labels: dict[str, str] = Field(max_length=64)
    annotations: dict[str, str] = Field(default_factory=dict, max_length=64)
    startsAt: str = ""  # noqa: N815 - Alertmanager's own field names
    fingerprint: str = Field(default="", max_length=128)

    def key(self) -> str:
        if self.fingerprint:
            return self.fingerprint
        # Alertmanager always sends one; other senders of this format may not.
        canonical = json.dumps(self.labels, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(canonical.encode()).hexdigest()[:32]


class AlertmanagerWebhook(BaseModel):
    """Alertmanager's webhook (version 4): a group of alerts, firing and resolved.
    Each alert needs a `system` label (or a common one) naming the contract's system."""

    model_config = ConfigDict(extra="ignore")
    batch: ClassVar[bool] = True

    version: str = "4"
    status: Literal["firing", "resolved"]
    commonLabels: dict[str, str] = Field(default_factory=dict)  # noqa: N815
    alerts: list[Alert] = Field(min_length=1, max_length=1000)

    @model_validator(mode="after")
    def _firing_alerts_name_a_system(self) -> AlertmanagerWebhook:
        for n, alert in enumerate(self.alerts):
            if alert.status == "firing" and not (alert.labels.get("system")
                                                 or self.commonLabels.get("system")):
                raise ValueError(f"alerts[{n}] has no system label")
        return self

    def signals(self) -> list[Signal]:
        out = []
        for alert in self.alerts:
            if alert.status == "resolved":
                out.append(Signal(alert.key(), None))
                continue
            labels = {**self.commonLabels, **alert.labels}
            name = labels.get("alertname", "alert")
            summary = alert.annotations.get("summary") or alert.annotations.get("description", "")
            priority = labels.get("priority") or ALERTMANAGER_PRIORITY.get(
                labels.get("severity", "").lower(), Priority.p4)
            details = "\n".join(f"{k}={v}" for k, v in sorted(labels.items()))
            out.append(Signal(alert.key(), TicketCreate(
                kind=TicketKind.incident, priority=priority, channel=Channel.hook,
                system=labels["system"], title=f"{name}: {summary}".strip(": ")[:200],
                description=f"{alert.annotations.get('description', '')}\n{details}\n"
                            f"开始时间: {alert.startsAt}".strip())))
        return out


ADAPTERS: dict[str, type[BaseModel]] = {
    "12123": FeePlatformFault,
    "fee-platform": FeePlatformFault,
    "generic": GenericAlert,
    "zabbix": ZabbixEvent,
    "alertmanager": AlertmanagerWebhook,
}
