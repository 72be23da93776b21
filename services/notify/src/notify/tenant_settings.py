"""Notify's section of a tenant file: who is on duty (placeholders in the repo)."""

from typing import Any

from opspact.tenancy.model import MOBILE_PATTERN
from pydantic import BaseModel, ConfigDict, Field


class OnDuty(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=50)
    mobile: str = Field(pattern=MOBILE_PATTERN)


class NotifyTenantSettings(BaseModel):
    model_config = ConfigDict(extra="allow")  # routing rules and channels come later
    on_duty: OnDuty
    sms_provider: str = Field(default="local_sink", pattern=r"^(local_sink)$")


def validate(settings: dict[str, Any], document: dict[str, Any] | None = None) -> dict[str, Any]:
    """`document`: the whole slice (contract, parties), for checks that need it."""
    return NotifyTenantSettings.model_validate(settings).model_dump(mode="json")
