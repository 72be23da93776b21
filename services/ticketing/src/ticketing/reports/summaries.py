"""What a report needs from the other services, fetched on the reader's behalf with the
delegated tokens the gateway attached (opspact.peers): inventory's staffing summary for
every kind, billing's statement of account for monthly and longer reports. Both are read
for the report's own days, concurrently, before the report is built."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from opspact import peers
from opspact.auth import Principal
from opspact.peers import Denied
from opspact.permissions import may, route_for
from starlette.requests import Request

from ticketing.reports.periods import Period


@dataclass(frozen=True)
class Summaries:
    staffing: dict | Denied | None = None
    statement: dict | Denied | None = None


STAFFING = ("inventory", "/summary/staffing")
STATEMENT = ("billing", "/statement")


def peer_reads(kind: str) -> tuple[tuple[str, str], ...]:
    """What a report of `kind` reads from the other services: (service, path)."""
    return (STAFFING,) if kind == "weekly" else (STAFFING, STATEMENT)


def unreadable_parts(kind: str, principal: Principal) -> list[str]:
    """The parts of a `kind` report this reader could not read directly (the permission the
    peer's route asks, from the one table): an archived copy holds them all."""
    missing = []
    for service, path in peer_reads(kind):
        needed = route_for(service, "GET", path).permission
        if not may(principal, needed):
            missing.append(f"{service} {path} ({needed})")
    return missing


async def fetch(request: Request, period: Period) -> Summaries:
    days = {"from": period.first.isoformat(), "to": period.last.isoformat()}
    parts = await asyncio.gather(*(peers.get_json(request, service, path, days)
                                   for service, path in peer_reads(period.kind)))
    return Summaries(*parts)
