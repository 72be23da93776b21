"""What a contract requires to be handed over (tenant file: services.ticketing.deliverables).

Each item quotes its clause. Its due date hangs on a contract date — signing, the term's
start or end — or, for one due every month or service year, on that period's last day,
moved by `within` ("15 days", "3 working days", "1 month") after it or `before` it. An item
with no `due` has no deadline of its own (it is listed, never overdue). `records` names the
contract date the client's acceptance of it establishes for billing (验收合格 for xinjiang's
final acceptance, wuqia's delivery)."""

from __future__ import annotations

from typing import Literal

from opspact.calendar.offsets import check_span
from opspact.http import LARGE_BODY_BYTES
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Anchor = Literal["signing", "term_start", "term_end", "period_end"]
ANCHOR_NAMES = {"signing": "合同签订", "term_start": "服务期开始", "term_end": "服务期满",
                "period_end": "期末"}


class DueRule(BaseModel):
    model_config = ConfigDict(extra="forbid")
    after: Anchor | None = None
    before: Anchor | None = None
    within: str = "0 days"

    @field_validator("within")
    @classmethod
    def _span(cls, value: str) -> str:
        return check_span(value)

    @model_validator(mode="after")
    def _one_anchor(self) -> DueRule:
        if (self.after is None) == (self.before is None):
            raise ValueError("name exactly one of after or before")
        return self

    @property
    def anchor(self) -> str:
        return self.after or self.before  # type: ignore[return-value]


class Obligation(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,47}$")
    name: str = Field(min_length=1, max_length=100)
    every: Literal["once", "month", "year"] = "once"
    due: DueRule | None = None
    records: Literal["acceptance", "delivery"] | None = Field(default=None, description=(
        "the contract date billing takes from the client's acceptance of it"))
    clause: str = Field(min_length=1, max_length=1000, description="the contract's words, quoted")
    reading: str | None = Field(default=None, max_length=1000,
                                description="how an ambiguous clause is read, and why")

    @model_validator(mode="after")
    def _period_anchor(self) -> Obligation:
        if self.due and (self.due.anchor == "period_end") != (self.every != "once"):
            raise ValueError(f"{self.code}: period_end is the anchor of a monthly or yearly item, "
                             "and only of one")
        if self.records and self.every != "once":
            raise ValueError(f"{self.code}: only a one-off item records a contract date")
        return self


class DeliverableSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    items: list[Obligation] = Field(default_factory=list, max_length=50)
    remind_days_before: int = Field(default=3, ge=0, le=60,
                                    description="the due notice this many days before the date")
    certificate: Literal["optional", "required"] = Field(default="optional", description=(
        "required: the client signs off only with a 数字证书 login (amr pki)"))
    max_bytes: int = Field(default=20 * 1024 * 1024, ge=1024, le=LARGE_BODY_BYTES,
                           description="one uploaded version at most")

    @field_validator("items")
    @classmethod
    def _unique(cls, items: list[Obligation]) -> list[Obligation]:
        codes = [i.code for i in items]
        if len(codes) != len(set(codes)):
            raise ValueError("deliverable codes must be unique")
        if sum(1 for i in items if i.records == "acceptance") > 1:
            raise ValueError("one deliverable at most records the contract's acceptance")
        return items
