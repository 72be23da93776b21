"""Turn each platform's fault report into a ticket request.

Every adapter validates its platform's own payload and maps it to `TicketCreate`
plus the platform's own id for the fault, which deduplicates repeated deliveries.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from ticketing.tickets.schemas import Channel, Kind, Priority, TicketCreate


class FeePlatformFault(BaseModel):
    """A fault report posted by the 12123 / fee platforms (交管12123、缴费平台)."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    fault_id: str = Field(min_length=1, max_length=128, description="the platform's own fault id")
    system: str = Field(min_length=1, max_length=64)
    title: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=20000)
    level: Priority = Priority.p2
    reporter: str | None = Field(default=None, max_length=100)
    occurred_at: datetime | None = None

    def to_ticket(self) -> tuple[TicketCreate, str]:
        description = self.description
        if self.occurred_at:
            description = f"{description}\n发生时间: {self.occurred_at.isoformat()}".strip()
        return TicketCreate(kind=Kind.incident, priority=self.level, channel=Channel.platform,
                            system=self.system, title=self.title, description=description,
                            reporter=self.reporter), self.fault_id


class GenericAlert(BaseModel):
    """Any JSON source: the sender names its own id for the fault."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    id: str = Field(min_length=1, max_length=128)
    system: str = Field(min_length=1, max_length=64)
    title: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=20000)
    priority: Priority = Priority.p3

    def to_ticket(self) -> tuple[TicketCreate, str]:
        return TicketCreate(kind=Kind.incident, priority=self.priority, channel=Channel.hook,
                            system=self.system, title=self.title,
                            description=self.description), self.id


ADAPTERS: dict[str, type[BaseModel]] = {
    "12123": FeePlatformFault,
    "fee-platform": FeePlatformFault,
    "generic": GenericAlert,
}
