from datetime import datetime
from enum import Enum
from uuid import UUID

from opspact.types import Stripped
from pydantic import BaseModel, ConfigDict, Field


class Status(str, Enum):
    queued = "queued"
    sent = "sent"
    delivered = "delivered"
    failed = "failed"
    suppressed = "suppressed"


class NotificationOut(BaseModel):
    id: UUID
    tenant: str
    source_event_id: str
    source_event_type: str
    subject: str | None
    rule: str | None
    level: int
    audience: str | None
    contact: str | None
    contact_name: str | None
    urgent: bool
    channel: str
    recipient: str
    fallback: list[str]
    template: str | None
    template_version: int | None
    body: str
    segments: int | None = Field(
        description="SMS segments billed (70 characters for one, 67 each when longer)")
    status: Status
    reason: str | None = Field(description="why it was suppressed or failed")
    provider: str | None
    provider_message_id: str | None
    attempts: int
    last_error: str | None
    created_at: datetime
    deferred_until: datetime | None = Field(description="held back by the recipient's quiet hours until")
    sent_at: datetime | None
    delivered_at: datetime | None
    acknowledged_at: datetime | None
    acknowledged_by: str | None


class NotificationPage(BaseModel):
    items: list[NotificationOut]
    total: int
    limit: int
    offset: int


class AcknowledgeIn(Stripped):
    model_config = ConfigDict(extra="forbid")
    note: str | None = Field(default=None, max_length=500)


class AcknowledgeOut(BaseModel):
    notification_id: UUID
    source_event_id: str
    escalations_stopped: int
    acknowledged_at: datetime


class ReplayIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    ids: list[UUID] = Field(min_length=1, max_length=1000)


class ReplayOut(BaseModel):
    requeued: list[UUID]
    skipped: dict[str, str] = Field(description="id → why it was not requeued")
