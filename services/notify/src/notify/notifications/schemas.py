from datetime import datetime
from enum import Enum
from uuid import UUID

from pydantic import BaseModel


class Status(str, Enum):
    pending = "pending"
    sent = "sent"
    failed = "failed"


class NotificationOut(BaseModel):
    id: UUID
    tenant: str
    source_event_id: str
    source_event_type: str
    channel: str
    recipient: str
    body: str
    status: Status
    attempts: int
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None


class NotificationPage(BaseModel):
    items: list[NotificationOut]
    total: int
    limit: int
    offset: int
