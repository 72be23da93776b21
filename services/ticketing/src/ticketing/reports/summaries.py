"""What a report needs from the other services, fetched on the reader's behalf with the
delegated tokens the gateway attached (opspact.peers): inventory's staffing summary for
every kind, billing's statement of account for monthly and longer reports. Both are read
for the report's own days, concurrently, before the report is built."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from opspact import peers
from opspact.peers import Denied
from starlette.requests import Request

from ticketing.reports.periods import Period


@dataclass(frozen=True)
class Summaries:
    staffing: dict | Denied | None = None
    statement: dict | Denied | None = None


async def fetch(request: Request, period: Period) -> Summaries:
    days = {"from": period.first.isoformat(), "to": period.last.isoformat()}

    async def read(service: str, path: str) -> dict | Denied:
        return await peers.get_json(request, service, path, days)

    if period.kind == "weekly":
        return Summaries(staffing=await read("inventory", "/summary/staffing"))
    staffing, statement = await asyncio.gather(read("inventory", "/summary/staffing"),
                                               read("billing", "/statement"))
    return Summaries(staffing, statement)
