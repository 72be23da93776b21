from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class AttachmentOut(BaseModel):
    id: int
    ticket_id: str
    comment_id: int | None
    visibility: str
    filename: str
    content_type: str = Field(description="what the bytes are, whatever the client said")
    kind: str = Field(description="the type as people call it (zh-CN)")
    size: int
    sha256: str
    uploaded_by: str
    created_at: datetime


class AttachmentPage(BaseModel):
    items: list[AttachmentOut]
    total: int
    total_bytes: int = Field(description="all of the ticket's files the caller sees, in bytes")
