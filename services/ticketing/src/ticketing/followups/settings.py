"""Which resolved tickets are followed up, and how (tenant file: services.ticketing.follow_ups)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class FollowUpSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kinds: list[Literal["incident", "service_request", "consultation"]] = Field(
        default_factory=list, description="ticket kinds followed up once resolved; none: no follow-ups")
    within_days: int = Field(default=3, ge=1, le=30, description="the follow-up is due this long after")
    link_valid_days: int = Field(default=7, ge=1, le=60, description="the SMS link answers this long")
    low_score: int = Field(default=2, ge=1, le=4, description="a score at or below opens a complaint")
    complaint_priority: Literal["p1", "p2", "p3", "p4"] = "p3"
    clause: str | None = Field(default=None, max_length=1000)
    reading: str | None = Field(default=None, max_length=1000)
