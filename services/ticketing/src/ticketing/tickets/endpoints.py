from typing import Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Header, Query, Response
from opspact.app import current_principal, current_session
from opspact.auth import Principal
from opspact.errors import Forbidden
from sqlalchemy.ext.asyncio import AsyncSession

from ticketing.tickets import repository, service
from ticketing.tickets.models import Ticket
from ticketing.tickets.schemas import (
    Channel,
    Kind,
    Priority,
    Status,
    TicketCreate,
    TicketOut,
    TicketPage,
    TimelineOut,
)

router = APIRouter(prefix="/tickets", tags=["tickets"])
WRITERS = ("vendor_engineer", "vendor_manager", "client_admin", "integration", "platform_admin")
READERS = WRITERS + ("client_viewer", "auditor", "finance")


def require(principal: Principal, roles: tuple[str, ...]) -> None:
    if not principal.has_any(*roles):
        raise Forbidden(f"role {', '.join(principal.roles) or '(none)'} may not do this")


def to_out(ticket: Ticket, system_name: str | None = None, timeline=None) -> TicketOut:
    return TicketOut(
        id=ticket.id, number=ticket.number, tenant=ticket.tenant_id, kind=ticket.kind,
        status=ticket.status, priority=ticket.priority, channel=ticket.channel,
        system=ticket.system_code, system_name=system_name, title=ticket.title,
        description=ticket.description, reporter=ticket.reporter, source=ticket.source,
        external_id=ticket.external_id, occurrences=ticket.occurrences,
        created_at=ticket.created_at, updated_at=ticket.updated_at,
        timeline=[TimelineOut(at=e.at, actor=e.actor, action=e.action, note=e.note)
                  for e in timeline] if timeline is not None else None,
    )


@router.post("", status_code=201, response_model=TicketOut,
             responses={200: {"model": TicketOut, "description": "replayed Idempotency-Key"}})
async def create_ticket(
    body: TicketCreate, response: Response,
    idempotency_key: str | None = Header(default=None, min_length=1, max_length=128),
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(current_session),
) -> TicketOut:
    require(principal, WRITERS)
    result = await service.create(session, principal.tenant, body, principal.subject,
                                  idempotency_key=idempotency_key)
    if not result.fresh:
        response.status_code = 200
    systems = await service.systems_of(session, principal.tenant)
    return to_out(result.ticket, systems.get(result.ticket.system_code))


@router.get("", response_model=TicketPage)
async def list_tickets(
    status: Status | None = None, kind: Kind | None = None, priority: Priority | None = None,
    system: str | None = Query(default=None, max_length=64), channel: Channel | None = None,
    sort: Literal["created_at", "-created_at", "updated_at", "-updated_at",
                  "priority", "-priority", "status", "-status"] = "-created_at",
    limit: int = Query(50, ge=1, le=200), offset: int = Query(0, ge=0, le=1_000_000),
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(current_session),
) -> TicketPage:
    require(principal, READERS)
    filters = {"status": status and status.value, "kind": kind and kind.value,
               "priority": priority and priority.value, "system_code": system,
               "channel": channel and channel.value}
    rows, total = await repository.page(session, principal.tenant, filters, sort, limit, offset)
    systems = await service.systems_of(session, principal.tenant)
    return TicketPage(items=[to_out(t, systems.get(t.system_code)) for t in rows],
                      total=total, limit=limit, offset=offset)


@router.get("/{ticket_id}", response_model=TicketOut)
async def get_ticket(ticket_id: UUID, principal: Principal = Depends(current_principal),
                     session: AsyncSession = Depends(current_session)) -> TicketOut:
    require(principal, READERS)
    ticket = await service.get(session, principal.tenant, ticket_id)
    systems = await service.systems_of(session, principal.tenant)
    timeline = await repository.timeline(session, principal.tenant, ticket_id)
    return to_out(ticket, systems.get(ticket.system_code), timeline)
