import functools
from datetime import UTC, datetime, timedelta
from typing import Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Header, Query, Request, Response
from fastapi.responses import StreamingResponse
from opspact import downloads, tabular, tabular_stream
from opspact.app import SESSION, current_principal
from opspact.auth import Principal
from opspact.calendar import SHANGHAI
from opspact.errors import Unprocessable, UnsupportedMediaType
from opspact.permissions import may, require
from sqlalchemy.ext.asyncio import AsyncSession

from ticketing.search import export
from ticketing.search.filters import Selection, Sort, TicketFilters
from ticketing.sla.clocks import clocks_of, remaining_seconds
from ticketing.sla.models import SlaClock
from ticketing.tickets import bulk, changes, importer, repository, service
from ticketing.tickets.models import Ticket
from ticketing.tickets.schemas import (
    EffectivePlanIn,
    NextStatus,
    SlaClockOut,
    TicketCreate,
    TicketOut,
    TicketPage,
    TicketUpdate,
    TimelineOut,
    TransitionCreate,
    VisitIn,
)
from ticketing.tickets.workflow import allowed_from

router = APIRouter(prefix="/tickets", tags=["tickets"])


def to_out(ticket: Ticket, system_name: str | None = None, timeline=None,
           clocks: list[SlaClock] = (), now: datetime | None = None) -> TicketOut:
    now = now or datetime.now(UTC)
    return TicketOut(
        id=ticket.id, number=ticket.number, tenant=ticket.tenant_id, kind=ticket.kind,
        status=ticket.status, priority=ticket.priority, channel=ticket.channel,
        system=ticket.system_code, system_name=system_name, title=ticket.title,
        description=ticket.description, reporter=ticket.reporter, assignee=ticket.assignee,
        source=ticket.source,
        external_id=ticket.external_id, monitor_id=ticket.fingerprint, occurrences=ticket.occurrences,
        visit_at=ticket.visit_at, resolved_at=ticket.resolved_at,
        created_at=ticket.created_at, updated_at=ticket.updated_at,
        timeline=[TimelineOut(at=e.at, actor=e.actor, action=e.action, note=e.note,
                              from_status=e.from_status, to_status=e.to_status)
                  for e in timeline] if timeline is not None else None,
        sla=[clock_out(c, now) for c in clocks],
        next_statuses=list(next_statuses(ticket.status)),
    )


@functools.cache
def next_statuses(status: str) -> tuple[NextStatus, ...]:
    """Shared between answers (read-only): a list page asks it for every row."""
    return tuple(NextStatus(to=target, reopen=reopen) for target, reopen in allowed_from(status))


def clock_out(clock: SlaClock, now: datetime) -> SlaClockOut:
    paused = clock.paused_total + ((now - clock.paused_since) if clock.paused_since else timedelta(0))
    return SlaClockOut(
        clock=clock.clock, policy=clock.policy, target=clock.target, clause=clock.clause,
        schedule=clock.schedule, state=clock.state,
        started_at=clock.started_at.astimezone(SHANGHAI),
        due_at=clock.due_at.astimezone(SHANGHAI) if clock.due_at else None,
        warn_at=clock.warn_at.astimezone(SHANGHAI) if clock.warn_at else None,
        remaining_seconds=remaining_seconds(clock, now), paused_seconds=int(paused.total_seconds()),
        missing_year=clock.missing_year, stopped_at=clock.stopped_at, breached_at=clock.breached_at)


async def present(session: AsyncSession, tenant_id: str, tickets: list[Ticket],
                  with_timeline: bool = False,
                  systems: dict[str, str] | None = None) -> list[TicketOut]:
    """Tickets as the API shows them: system names and SLA clocks loaded once per call."""
    systems = systems if systems is not None else await service.systems_of(session, tenant_id)
    clocks = await clocks_of(session, tenant_id, [t.id for t in tickets])
    now = datetime.now(UTC)
    out = []
    for ticket in tickets:
        timeline = (await repository.timeline(session, tenant_id, ticket.id)
                    if with_timeline else None)
        out.append(to_out(ticket, systems.get(ticket.system_code), timeline,
                          clocks.get(ticket.id, []), now))
    return out


@router.post("", status_code=201, response_model=TicketOut,
             responses={200: {"model": TicketOut, "description": "replayed Idempotency-Key"}})
async def create_ticket(
    body: TicketCreate, response: Response,
    idempotency_key: str | None = Header(default=None, min_length=1, max_length=128),
    principal: Principal = Depends(current_principal),
    session: AsyncSession = SESSION,
) -> TicketOut:
    require(principal, "tickets.write")
    result = await service.create(session, principal.tenant, body, principal.subject,
                                  idempotency_key=idempotency_key)
    if not result.fresh:
        response.status_code = 200
    return (await present(session, principal.tenant, [result.ticket],
                          systems=result.system_names()))[0]


@router.get("", response_model=TicketPage)
async def list_tickets(
    filters: TicketFilters = Depends(),
    sort: Sort | None = Query(default=None, description=(
        "relevance (the default with q), due (the clock falling due soonest first), or a "
        "column, `-` for descending (the default without q: -created_at)")),
    limit: int = Query(50, ge=1, le=200), offset: int = Query(0, ge=0, le=1_000_000),
    principal: Principal = Depends(current_principal),
    session: AsyncSession = SESSION,
) -> TicketPage:
    require(principal, "tickets.read")
    selection = Selection(filters, principal.tenant, may(principal, "comments.internal"), sort)
    rows, total, capped = await repository.page(session, selection, limit, offset)
    return TicketPage(items=await present(session, principal.tenant, rows), total=total,
                      total_capped=capped, limit=limit, offset=offset, terms=selection.terms,
                      sort=selection.sort)


@router.get("/export", response_class=StreamingResponse, responses={200: {
    "description": "the tickets as a spreadsheet, streamed",
    "content": {tabular.XLSX: {"schema": {"type": "string", "format": "binary"}},
                tabular.CSV: {"schema": {"type": "string"}}}}})
async def export_tickets(
    request: Request,
    filters: TicketFilters = Depends(),
    sort: Sort | None = Query(default=None, description="as the list's"),
    format: Literal["xlsx", "csv"] = "xlsx",
    encoding: Literal["utf-8", "gb18030"] = Query("utf-8", description=(
        "CSV only: gb18030 is what Excel on Chinese Windows reads without asking")),
    principal: Principal = Depends(current_principal),
    session: AsyncSession = SESSION,
) -> StreamingResponse:
    """The tickets the list would show for the same filters, in its order, every page at once
    (at most 100,000 rows: more is a 422 asking for narrower filters)."""
    require(principal, "tickets.read")
    selection = Selection(filters, principal.tenant, may(principal, "comments.internal"), sort)
    total, more = await selection.settle(session, export.MAX_ROWS)
    if more:
        raise Unprocessable(f"more than {total:,} tickets match; an export holds at most "
                            f"{export.MAX_ROWS:,}: narrow the filters (created_from/created_to, "
                            "status, system)")
    systems = await service.systems_of(session, principal.tenant)
    found = export.rows(request.app.state.db, selection, systems)
    name = f"工单导出-{datetime.now(SHANGHAI):%Y%m%d-%H%M}.{format}"
    if format == "csv":
        body, media_type = tabular_stream.csv_chunks(export.HEADER, found, encoding), \
            f"{tabular.CSV}; charset={encoding}"
    else:
        body, media_type = tabular_stream.xlsx_chunks("工单", export.HEADER, found, export.WIDTHS), \
            tabular.XLSX
    return StreamingResponse(await tabular_stream.primed(body), media_type=media_type, headers={
        "Content-Disposition": downloads.attachment(name), "X-Total-Count": str(total)})


@router.post("/bulk", response_model=bulk.BulkOut, responses={
    409: {"description": "atomic, and a ticket refused: nothing changed; `results` says why"}})
async def bulk_action(body: bulk.BulkIn, principal: Principal = Depends(current_principal),
                      session: AsyncSession = SESSION) -> bulk.BulkOut:
    """One action on up to 500 tickets, each checked and applied on its own; the answer is
    200 with every ticket's outcome (unless `atomic`)."""
    return await bulk.apply(session, principal, body)


@router.post("/import", response_model=importer.ImportReport, openapi_extra={
    "requestBody": {"required": True, "content": {"text/csv": {"schema": {"type": "string"}}},
                    "description": "UTF-8 or GB18030; columns: " + ", ".join(
                        importer.ImportRow.model_fields)}})
async def import_tickets(request: Request, dry_run: bool = False,
                         announce_breaches: bool = Query(False, description=(
                             "announce the rows' past breaches as history (`data.history`): the "
                             "damages ledger counts them, notify sends nothing")),
                         principal: Principal = Depends(current_principal),
                         session: AsyncSession = SESSION) -> importer.ImportReport:
    """Historical tickets from CSV, all or nothing, idempotent by `import_id`; their
    timestamps replay the workflow so the SLA clocks come out as they ran then."""
    require(principal, "tickets.import")
    if request.headers.get("content-type", "").split(";")[0].strip().lower() != "text/csv":
        raise UnsupportedMediaType("send the file as text/csv")
    settings = await service.settings_of(session, principal.tenant)
    return await importer.run(session, principal.tenant, await request.body(),
                              principal.subject, settings, dry_run, announce_breaches)


@router.get("/{ticket_id}", response_model=TicketOut)
async def get_ticket(ticket_id: UUID, principal: Principal = Depends(current_principal),
                     session: AsyncSession = SESSION) -> TicketOut:
    require(principal, "tickets.read")
    ticket = await service.get(session, principal.tenant, ticket_id)
    return (await present(session, principal.tenant, [ticket], with_timeline=True))[0]


@router.post("/{ticket_id}/transitions", response_model=TicketOut,
             responses={409: {"description": "not allowed from the ticket's current status"}})
async def transition_ticket(ticket_id: UUID, body: TransitionCreate,
                            principal: Principal = Depends(current_principal),
                            session: AsyncSession = SESSION) -> TicketOut:
    """Move the ticket along its workflow; the SLA clocks stop, pause or switch target."""
    require(principal, "tickets.write")
    ticket = await changes.transition(session, principal.tenant, ticket_id, body,
                                      principal.subject)
    return (await present(session, principal.tenant, [ticket], with_timeline=True))[0]


@router.post("/{ticket_id}/effective-plan", response_model=TicketOut,
             responses={409: {"description": "the ticket is closed"}})
async def record_effective_plan(ticket_id: UUID, body: EffectivePlanIn,
                                principal: Principal = Depends(current_principal),
                                session: AsyncSession = SESSION) -> TicketOut:
    """An effective plan (有效解决方案) offered: on the timeline, and it meets the clocks
    the contract lets it meet (xinjiang's 48 h)."""
    require(principal, "tickets.write")
    ticket = await changes.record_plan(session, principal.tenant, ticket_id, body, principal.subject)
    return (await present(session, principal.tenant, [ticket], with_timeline=True))[0]


@router.post("/{ticket_id}/visit", response_model=TicketOut,
             responses={409: {"description": "the ticket is closed"}})
async def agree_visit(ticket_id: UUID, body: VisitIn,
                      principal: Principal = Depends(current_principal),
                      session: AsyncSession = SESSION) -> TicketOut:
    """The on-site visit time agreed with the client: kept on the ticket, on the timeline,
    and it meets the clocks that wait for it (zhuhai's 24 h)."""
    require(principal, "tickets.write")
    ticket = await changes.agree_visit(session, principal.tenant, ticket_id, body, principal.subject)
    return (await present(session, principal.tenant, [ticket], with_timeline=True))[0]


@router.patch("/{ticket_id}", response_model=TicketOut,
              responses={409: {"description": "the ticket is closed"}})
async def update_ticket(ticket_id: UUID, body: TicketUpdate,
                        principal: Principal = Depends(current_principal),
                        session: AsyncSession = SESSION) -> TicketOut:
    """Change fields; a new priority, kind or system moves the clocks to the matching
    policy, keeping their start and paused time."""
    require(principal, "tickets.write")
    ticket = await changes.update(session, principal.tenant, ticket_id, body, principal.subject)
    return (await present(session, principal.tenant, [ticket], with_timeline=True))[0]
