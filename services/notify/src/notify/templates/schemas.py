from datetime import datetime

from opspact.types import Stripped
from pydantic import BaseModel, ConfigDict, Field


class FieldIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(pattern=r"^[a-z][a-z0-9_]{0,31}$")
    expression: str = Field(min_length=1, max_length=500, description="Jinja2 over the event's data")


class TemplateIn(Stripped):
    model_config = ConfigDict(extra="forbid")
    fields: list[FieldIn] = Field(min_length=1, max_length=20)
    text: str = Field(min_length=1, max_length=1000, description="Jinja2 over the fields")
    note: str | None = Field(default=None, max_length=500, description="why this version")
    expected_version: int | None = Field(default=None, ge=0,
                                         description="the version you edited (409 if stale)")


class PreviewIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    fields: list[FieldIn] | None = Field(default=None, max_length=20,
                                         description="default: the version in force")
    text: str | None = Field(default=None, min_length=1, max_length=1000)
    data: dict | None = Field(default=None, description="event data; default: the template's sample")


class TemplateOut(BaseModel):
    name: str
    title: str
    events: list[str]
    version: int
    fields: list[FieldIn]
    text: str
    sample: dict


class VersionOut(BaseModel):
    version: int
    fields: list[FieldIn]
    text: str
    note: str | None
    created_by: str
    created_at: datetime | None


class PreviewOut(BaseModel):
    fields: dict[str, str]
    text: str
    sms_text: str = Field(description="as the phone shows it: 【签名】 and the text")
    length: int = Field(description="characters billed, signature included")
    segments: int
    segment_limit: int
    provider_templates: dict[str, str] = Field(
        description="the text to register at each provider (Alibaba ${name}, Tencent {n})")
