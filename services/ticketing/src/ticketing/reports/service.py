"""One report, gathered and built: the period's facts, and for a weekly report the
plan for the week after (its inspection rounds, the tickets still open)."""

from __future__ import annotations

from datetime import timedelta

from opspact.tenancy.registry import load_tenant
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ticketing.inspections import ledger
from ticketing.reports import builders, facts, pool
from ticketing.reports.document import Report
from ticketing.reports.periods import Period
from ticketing.reports.summaries import Summaries
from ticketing.tables import shared
from ticketing.tenant_settings import TicketingTenantSettings
from ticketing.tickets.models import Ticket

OPEN_LISTED = 500  # a weekly report lists at most this many open tickets (oldest first)


async def open_faults(session: AsyncSession, tenant_id: str) -> list[facts.Fault]:
    rows = await session.execute(
        select(Ticket).where(Ticket.tenant_id == tenant_id, Ticket.status.not_in(builders.DONE))
        .order_by(Ticket.created_at).limit(OPEN_LISTED))
    return [facts.fault(t) for t in rows.scalars()]


def parties(config: dict) -> tuple[str, str]:
    """(client, vendor) as the tenant file names them."""
    named = config.get("parties", {})
    return named.get("client", {}).get("name", ""), named.get("vendor", {}).get("name", "")


async def build(session: AsyncSession, tenant_id: str, period: Period,
                summaries: Summaries | None = None) -> Report:
    config = await load_tenant(session, shared.tenants, tenant_id)
    followed = bool(TicketingTenantSettings.model_validate(config["settings"]).follow_ups.kinds)
    gathered = await facts.gather(session, tenant_id, period.start, period.end, followed)
    summaries = summaries or Summaries()
    extra = {"staffing": summaries.staffing, "statement": summaries.statement}
    if period.kind == "weekly":
        extra["open_faults"] = await open_faults(session, tenant_id)
        extra["next_rounds"] = await ledger.rounds(session, tenant_id, period.end,
                                                   period.end + timedelta(days=7), None)
    _, vendor = parties(config)
    # charts and layout are CPU work: in the report process, off the API's
    return await pool.run(builders.build, period, gathered, config["name"], vendor, **extra)
