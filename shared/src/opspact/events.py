"""CloudEvents 1.0 structured-mode JSON envelope with `tenantid` and `traceparent`."""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from opspact.types import SHANGHAI

CONTENT_TYPE = "application/cloudevents+json; charset=utf-8"
_TYPE = re.compile(r"^[a-z]+\.[a-z_]+\.[a-z_]+\.v\d+$")


class CloudEvent(BaseModel):
    model_config = ConfigDict(extra="forbid")

    specversion: str = "1.0"
    id: str = Field(default_factory=lambda: str(uuid.uuid4()))
    source: str
    type: str
    subject: str | None = None
    time: datetime = Field(default_factory=lambda: datetime.now(UTC))
    datacontenttype: str = "application/json"
    tenantid: str
    traceparent: str | None = None
    data: dict[str, Any] = Field(default_factory=dict)

    @field_validator("type")
    @classmethod
    def _named_by_convention(cls, value: str) -> str:
        if not _TYPE.match(value):
            raise ValueError("event type must be <service>.<aggregate>.<event>.v<n>")
        return value

    @field_validator("time")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        # RFC 3339 requires an offset; an event written without one means Shanghai time,
        # as every other instant in the product (opspact.types).
        return value.replace(tzinfo=SHANGHAI) if value.tzinfo is None else value

    @field_validator("specversion")
    @classmethod
    def _spec_1_0(cls, value: str) -> str:
        if value != "1.0":
            raise ValueError("only CloudEvents specversion 1.0 is understood")
        return value

    @property
    def service(self) -> str:
        return self.type.split(".", 1)[0]

    @property
    def topic(self) -> str:
        return f"{self.service}.events"

    def key(self) -> str:
        """Kafka key: tenant and aggregate, so one aggregate's events keep their order."""
        return f"{self.tenantid}:{self.subject or self.id}"

    def to_json(self) -> str:
        return self.model_dump_json(exclude_none=True)

    @classmethod
    def from_bytes(cls, raw: bytes) -> CloudEvent:
        return cls.model_validate(json.loads(raw))


def new_event(service: str, aggregate: str, event: str, tenant_id: str, subject: str,
              data: dict[str, Any], version: int = 1,
              traceparent: str | None = None) -> CloudEvent:
    return CloudEvent(
        source=f"/opspact/{service}", type=f"{service}.{aggregate}.{event}.v{version}",
        subject=subject, tenantid=tenant_id, data=data, traceparent=traceparent,
    )
