from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

from ticketing.signoff.schemas import SignOffOut

State = Literal["due", "overdue", "submitted", "accepted", "rejected"]


class DeliverableVersionOut(BaseModel):
    version: int
    filename: str
    content_type: str
    kind: str
    size: int
    sha256: str
    note: str | None
    submitted_by: str
    submitted_at: datetime
    href: str = Field(description="the file on ticketing (through the gateway: /api/ticketing + href)")
    signoff: SignOffOut | None


class DeliverableOut(BaseModel):
    code: str
    name: str
    period: str = Field(description="once, or the month (2025-03) / service year (2025) it is for")
    label: str
    every: str = Field(description="once | month | year; a report's kind for report-<kind> rows")
    due_on: date | None
    undated: str | None = Field(description="why there is no due date")
    state: State
    late: bool = Field(description="past its due date before a version was first submitted")
    records: str | None = Field(description="the contract date its acceptance records in billing")
    clause: str
    reading: str | None
    versions: int
    latest: DeliverableVersionOut | None
    accepted: DeliverableVersionOut | None = Field(description="the latest version the client accepted")


class DeliverableDetail(DeliverableOut):
    history: list[DeliverableVersionOut]


class DeliverablePage(BaseModel):
    items: list[DeliverableOut]
    total: int
    limit: int
    offset: int
    counts: dict[str, int] = Field(description="deliverables per state over the whole register")
