"""A tenant's mail intake, in the tenant file (`ticketing.email`)."""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ticketing.tickets.schemas import Priority, TicketKind

ADDRESS = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$")
DOMAIN = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,}$")


class EmailIntake(BaseModel):
    model_config = ConfigDict(extra="forbid")
    addresses: list[str] = Field(min_length=1, max_length=10, description=(
        "where the client writes; the first is what replies come from"))
    allowed_domains: list[str] = Field(min_length=1, max_length=50, description=(
        "senders' domains taken in (a subdomain counts); mail from elsewhere is refused"))
    system: str = Field(description="the system a new mail's ticket is filed under until triaged")
    kind: TicketKind = Field(default=TicketKind.incident, description="what a new mail's ticket is")
    priority: Priority = Priority.p3
    reopen_within_days: int | None = Field(default=7, ge=0, le=365, description=(
        "a reply to a ticket resolved at most this long ago reopens it; later (or closed) "
        "a new ticket is opened that refers to it. null: never reopen"))
    max_message_bytes: int = Field(default=25 * 1024 * 1024, ge=10_000, le=50 * 1024 * 1024)

    @field_validator("addresses")
    @classmethod
    def _addresses(cls, value: list[str]) -> list[str]:
        bad = [a for a in value if not ADDRESS.match(a)]
        if bad:
            raise ValueError(f"not email addresses: {bad}")
        return [a.lower() for a in value]

    @field_validator("allowed_domains")
    @classmethod
    def _domains(cls, value: list[str]) -> list[str]:
        bad = [d for d in value if not DOMAIN.match(d.lower())]
        if bad:
            raise ValueError(f"not domain names: {bad}")
        return [d.lower() for d in value]

    def allows(self, sender: str) -> bool:
        domain = sender.rpartition("@")[2].lower()
        return any(domain == d or domain.endswith("." + d) for d in self.allowed_domains)
