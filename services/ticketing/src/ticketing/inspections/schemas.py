from __future__ import annotations

from datetime import datetime
from enum import Enum
from uuid import UUID

from opspact.types import IsoInstant, Stripped
from pydantic import BaseModel, ConfigDict, Field, model_validator
from ticketing.tickets.schemas import Priority


class ItemStatus(str, Enum):
    ok = "ok"
    anomaly = "anomaly"


class RoundState(str, Enum):
    upcoming = "upcoming"    # not yet past its deadline
    recorded = "recorded"    # done by the deadline
    missed = "missed"        # past the deadline, not recorded
    made_up = "made_up"      # recorded after the deadline


class ItemResultIn(Stripped):
    model_config = ConfigDict(extra="forbid")
    item: str = Field(min_length=1, max_length=100, description="<target>.<check>")
    status: ItemStatus
    note: str | None = Field(default=None, max_length=2000)

    @model_validator(mode="after")
    def _anomaly_says_what(self) -> ItemResultIn:
        if self.status is ItemStatus.anomaly and not self.note:
            raise ValueError(f"item {self.item}: an anomaly needs a note saying what was found")
        return self


class RoundRecord(Stripped):
    model_config = ConfigDict(extra="forbid")
    inspector: str = Field(min_length=1, max_length=100)
    started_at: IsoInstant
    ended_at: IsoInstant
    items: list[ItemResultIn] = Field(min_length=1, max_length=1000)

    @model_validator(mode="after")
    def _times(self) -> RoundRecord:
        if self.ended_at < self.started_at:
            raise ValueError("ended_at is before started_at")
        return self


class IncidentFromItem(Stripped):
    model_config = ConfigDict(extra="forbid")
    priority: Priority = Priority.p3
    title: str | None = Field(default=None, min_length=1, max_length=200,
                              description="defaults to the item and its note")
    system: str | None = Field(default=None, max_length=64,
                               description="for an asset's item: the system the incident is about")


class ItemOut(BaseModel):
    item: str
    name: str
    status: ItemStatus | None = None
    note: str | None = None
    ticket_id: UUID | None = None
    evidence: list[EvidenceOut] = Field(default_factory=list)


class EvidenceOut(BaseModel):
    id: int
    item: str
    filename: str | None
    content_type: str
    size: int
    sha256: str
    uploaded_by: str
    uploaded_at: datetime


class RoundOut(BaseModel):
    round: str = Field(description="<schedule>@<due, Shanghai local>")
    schedule: str
    schedule_name: str
    due_at: datetime
    deadline: datetime
    heightened: str | None
    state: RoundState
    inspector: str | None = None
    started_at: datetime | None = None
    ended_at: datetime | None = None
    recorded_by: str | None = None
    anomalies: int = 0
    missed_at: datetime | None = None
    items: list[ItemOut] | None = Field(default=None, description="on the round's own page")


class RoundPage(BaseModel):
    items: list[RoundOut]
    total: int
    limit: int
    offset: int
    counts: dict[str, int] = Field(description="rounds of the period by state")


ItemOut.model_rebuild()
