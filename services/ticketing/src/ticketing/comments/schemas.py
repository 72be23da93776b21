from __future__ import annotations

from datetime import datetime
from typing import Literal

from opspact.types import Stripped
from pydantic import BaseModel, ConfigDict, Field

Visibility = Literal["internal", "public"]


class CommentIn(Stripped):
    model_config = ConfigDict(extra="forbid")
    body: str = Field(min_length=1, max_length=20000)
    visibility: Visibility = Field(default="internal", description=(
        "internal: the desk's own note; public: what the reporter sees"))


class CommentEdit(Stripped):
    model_config = ConfigDict(extra="forbid")
    body: str = Field(min_length=1, max_length=20000)
    version: int = Field(ge=1, description="the version the edit starts from (else 409)")


class RedactIn(Stripped):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(min_length=1, max_length=1000)


class EarlierOut(BaseModel):
    version: int
    body: str
    by: str
    at: datetime


class CommentOut(BaseModel):
    id: int
    ticket_id: str
    author: str
    visibility: Visibility
    body: str
    quoted: str | None = Field(default=None, description=(
        "a mail's quoted history and signature below what was written (shown collapsed)"))
    version: int
    earlier: list[EarlierOut] = Field(description="the texts edits replaced, oldest first")
    redacted: bool
    redacted_by: str | None
    redacted_at: datetime | None
    redaction_reason: str | None
    created_at: datetime
    updated_at: datetime


class CommentPage(BaseModel):
    items: list[CommentOut]
    total: int
    limit: int
    offset: int
