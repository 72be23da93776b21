from __future__ import annotations

from datetime import datetime
from uuid import UUID

from opspact.types import Stripped
from pydantic import BaseModel, ConfigDict, Field


class ArticleIn(Stripped):
    model_config = ConfigDict(extra="forbid")
    title: str = Field(min_length=1, max_length=200)
    background: str = Field(min_length=1, max_length=20000, description="背景描述")
    applies_to: str = Field(min_length=1, max_length=5000, description="应用部位")
    summary: str = Field(min_length=1, max_length=50000, description="知识归纳")
    systems: list[str] = Field(default_factory=list, max_length=50)
    ticket_ids: list[UUID] = Field(default_factory=list, max_length=50)
    tags: list[str] = Field(default_factory=list, max_length=20)


class ArticleUpdate(ArticleIn):
    version: int = Field(ge=1, description="the version this edit starts from (else 409)")
    note: str | None = Field(default=None, max_length=1000, description="what changed")


class ArticleOut(BaseModel):
    id: UUID
    number: str
    version: int
    title: str
    background: str
    applies_to: str
    summary: str
    systems: list[str]
    ticket_ids: list[UUID]
    tags: list[str]
    updated_by: str
    created_at: datetime
    updated_at: datetime
    rank: float | None = Field(default=None, description="relevance to the query, when searched")


class ArticlePage(BaseModel):
    items: list[ArticleOut]
    total: int
    limit: int
    offset: int
    terms: list[str] = Field(default_factory=list, description="the words the query was cut into")
    matched: str | None = Field(default=None, description="all: every word; any: some words")


class VersionOut(BaseModel):
    version: int
    title: str
    background: str
    applies_to: str
    summary: str
    systems: list[str]
    edited_by: str
    edited_at: datetime
    note: str | None
