"""An anomaly found on a round becomes an incident in one action, linked both ways:
the item keeps the ticket id, the ticket's timeline names the round."""

from __future__ import annotations

from opspact.errors import Conflict, Unprocessable
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import flag_modified
from ticketing.inspections import plan, service
from ticketing.inspections.schemas import IncidentFromItem
from ticketing.tickets import service as tickets
from ticketing.tickets.models import Ticket
from ticketing.tickets.schemas import Channel, TicketCreate, TicketKind


async def open_for(session: AsyncSession, tenant_id: str, key: str, item: str,
                   body: IncidentFromItem, actor: str) -> tuple[Ticket, bool]:
    """(ticket, fresh): the round row is locked, so two clicks open one incident."""
    row, ctx = await service.recorded_round(session, tenant_id, key, for_update=True)
    result = service.item_of(row, key, item)
    if result["status"] != "anomaly":
        raise Conflict(f"item {item} of round {key} was found normal: no incident to open")
    if result["ticket_id"]:
        return await tickets.get(session, tenant_id, result["ticket_id"]), False
    target = plan.target_of(item)
    system = target if target in ctx.names() else body.system
    if system is None:
        raise Unprocessable(f"{target} is an asset, not a system of the contract: say which system "
                            "the incident is about", errors=[{"field": "body.system", "message": "required"}])
    created = await tickets.create(session, tenant_id, TicketCreate(
        kind=TicketKind.incident, priority=body.priority, channel=Channel.inspection, system=system,
        title=body.title or f"巡检异常：{result['name']}"[:200],
        description=f"巡检 {key}（{row.inspector}）发现异常：{result['note']}",
        reporter=row.inspector), actor, settings=ctx.settings)
    # A new list, so the JSONB column is written back.
    row.results = [{**r, "ticket_id": str(created.ticket.id)} if r["item"] == item else r
                   for r in row.results]
    flag_modified(row, "results")
    await session.flush()
    return created.ticket, True
