"""Bulk import of historical tickets from CSV (the vendors' spreadsheets).

Every row is validated first and the report names each bad row and field; one bad
row imports nothing. `import_id` is the natural key: importing the same file twice
creates nothing the second time. The rows' own timestamps replay the workflow, so
each imported ticket carries the SLA clocks as they ran then — met or breached on
the contract's calendar — which is what reports and damages need from history.

History is not news: imported tickets announce one `ticketing.tickets.imported.v1`
summary, not a `ticket.created` each (that would text the engineer on duty a
thousand times), and warnings and breaches already past are marked without events —
unless the import asks to `announce_breaches`: then each past breach (and each late
stop) is announced as it would have been then, at its own time and marked
`history: true`, so billing's damages ledger counts the imported year while notify
sends nobody anything about it (the demo year is loaded this way).
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from uuid import UUID

from opspact import outbox, tabular
from opspact.calendar import SHANGHAI
from opspact.errors import Unprocessable
from opspact.events import new_event
from opspact.types import IsoInstant, Stripped
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ticketing.numbering import next_number
from ticketing.search.index import reindex
from ticketing.sla import events as sla_events
from ticketing.sla.clocks import db_now, start_clocks
from ticketing.sla.engine import ClockEngine
from ticketing.tables import shared
from ticketing.tenant_settings import TicketingTenantSettings
from ticketing.tickets import repository, workflow
from ticketing.tickets.models import Ticket
from ticketing.tickets.schemas import Channel, Priority, Status, TicketKind

SOURCE = "import"
MAX_ROWS = 5000
# The steps a row may record, in workflow order, with the status each one reaches.
STEPS = (("acknowledged_at", Status.acknowledged), ("dispatched_at", Status.dispatched),
         ("on_site_at", Status.on_site),
         ("resolved_at", Status.resolved), ("closed_at", Status.closed))


class ImportRow(Stripped):
    model_config = ConfigDict(extra="forbid")

    import_id: str = Field(min_length=1, max_length=128)
    system: str = Field(min_length=1, max_length=64)
    title: str = Field(min_length=1, max_length=200)
    created_at: IsoInstant
    kind: TicketKind = TicketKind.incident
    priority: Priority = Priority.p3
    channel: Channel = Channel.hotline
    description: str = Field(default="", max_length=20000)
    reporter: str | None = Field(default=None, max_length=100)
    assignee: str | None = Field(default=None, max_length=100)
    acknowledged_at: IsoInstant | None = None
    dispatched_at: IsoInstant | None = None  # 派单时间: stops a dispatch clock (zhuhai)
    on_site_at: IsoInstant | None = None
    resolved_at: IsoInstant | None = None
    closed_at: IsoInstant | None = None

    @field_validator("*", mode="before")
    @classmethod
    def _empty_cell_is_absent(cls, value):
        return None if value == "" else value

    @model_validator(mode="after")
    def _in_order_and_past(self) -> ImportRow:
        previous, name = self.created_at, "created_at"
        for field, _ in STEPS:
            at = getattr(self, field)
            if at is None:
                continue
            if at < previous:
                raise ValueError(f"{field} is before {name}")
            previous, name = at, field
        if previous > datetime.now(SHANGHAI):
            raise ValueError(f"{name} is in the future")
        return self

    def steps(self) -> list[tuple[datetime, Status]]:
        return [(getattr(self, f), status) for f, status in STEPS if getattr(self, f)]


class ImportReport(BaseModel):
    rows: int
    created: int
    existing: int = Field(description="rows whose import_id was imported before: skipped")
    dry_run: bool


def parse(raw: bytes) -> list[ImportRow]:
    header, records = tabular.read(raw, tabular.CSV, MAX_ROWS)
    missing = [c for c in ("import_id", "system", "title", "created_at") if c not in header]
    unknown = [c for c in header if c not in ImportRow.model_fields]
    if missing or unknown:
        raise Unprocessable("; ".join(
            ([f"missing columns: {', '.join(missing)}"] if missing else [])
            + ([f"unknown columns: {', '.join(map(str, unknown))}"] if unknown else [])))
    rows, errors = [], []
    for line, record in records:
        if None in record or None in record.values():
            errors.append({"field": f"row {line}", "message": "wrong number of cells"})
            continue
        try:
            rows.append(ImportRow.model_validate(record))
        except ValidationError as exc:
            errors += [{"field": f"row {line}." + ".".join(map(str, e["loc"])) if e["loc"]
                        else f"row {line}", "message": e["msg"]} for e in exc.errors()]
    if not rows and not errors:
        raise Unprocessable("the file has a header but no rows")
    seen: dict[str, int] = {}
    for n, row in enumerate(rows):
        if row.import_id in seen:
            errors.append({"field": f"import_id {row.import_id}", "message": "appears twice"})
        seen[row.import_id] = n
    if errors:
        raise Unprocessable(f"{len(errors)} problem(s); nothing was imported: "
                            + "; ".join(f"{e['field']}: {e['message']}" for e in errors[:5]),
                            errors=errors)
    return rows


async def run(session: AsyncSession, tenant_id: str, raw: bytes, actor: str,
              settings: TicketingTenantSettings, dry_run: bool,
              announce_breaches: bool = False) -> ImportReport:
    rows = await asyncio.to_thread(parse, raw)  # parsing and validating is CPU work
    systems = {s.code for s in settings.systems}
    unknown = [{"field": f"import_id {r.import_id}.system", "message": f"unknown system {r.system!r}"}
               for r in rows if r.system not in systems]
    if unknown:
        raise Unprocessable(f"{len(unknown)} row(s) name systems outside the contract; "
                            f"known: {', '.join(sorted(systems))}", errors=unknown)
    existing = set((await session.execute(select(Ticket.external_id).where(
        Ticket.tenant_id == tenant_id, Ticket.source == SOURCE,
        Ticket.external_id.in_([r.import_id for r in rows])))).scalars())
    fresh = [r for r in rows if r.import_id not in existing]
    if not dry_run:
        imported = [await _import_one(session, tenant_id, row, actor, settings, announce_breaches)
                    for row in fresh]
        await reindex(session, *imported)
        if fresh:
            await outbox.add(session, shared.outbox, new_event(
                "ticketing", "tickets", "imported", tenant_id, f"import:{actor}",
                {"count": len(fresh), "actor": actor,
                 "import_ids": [r.import_id for r in fresh][:100]}))
    return ImportReport(rows=len(rows), created=len(fresh), existing=len(rows) - len(fresh),
                        dry_run=dry_run)


async def _import_one(session: AsyncSession, tenant_id: str, row: ImportRow, actor: str,
                      settings: TicketingTenantSettings, announce_breaches: bool = False) -> UUID:
    ticket = Ticket(tenant_id=tenant_id, number=await next_number(session, tenant_id, "T", row.created_at),
                    kind=row.kind.value, status=Status.new.value,
                    priority=row.priority.value, channel=row.channel.value,
                    system_code=row.system, title=row.title, description=row.description,
                    reporter=row.reporter, assignee=row.assignee, source=SOURCE,
                    external_id=row.import_id, created_at=row.created_at,
                    updated_at=row.created_at)
    session.add(ticket)
    await session.flush()
    repository.record(session, ticket, actor, "imported", f"import_id={row.import_id}",
                      to_status=Status.new.value, at=row.created_at)
    clocks = await start_clocks(session, ticket, settings)
    for at, status in row.steps():
        engine = ClockEngine(settings, at)
        engine.on_status(clocks, ticket.status, status.value)
        repository.record(session, ticket, actor, "status_changed", "历史导入",
                          from_status=ticket.status, to_status=status.value, at=at)
        ticket.resolved_at = workflow.resolved_at_after(status, at, ticket.resolved_at)
        ticket.status, ticket.updated_at = status.value, at
    now = await db_now(session)
    for clock in clocks:  # past instants are history, not news: marked without events
        if clock.warn_at and clock.warn_at <= now:
            clock.warned_at = clock.warn_at
        if clock.state == "running" and clock.due_at and clock.due_at <= now:
            clock.breached_at = clock.due_at
    await session.flush()
    if announce_breaches:
        for event in history_events(ticket, clocks):
            await outbox.add(session, shared.outbox, event)
    return ticket.id


def history_events(ticket: Ticket, clocks) -> list:
    """The breach and late-stop events the clocks would have produced then, each at its
    own time and marked as history (billing counts them; notify stays silent)."""
    found = []
    for clock in clocks:
        if clock.breached_at is None:
            continue
        found.append(_as_history(sla_events.breached(ticket, clock), clock.breached_at,
                                 detected_at=clock.breached_at.isoformat()))
        if clock.state == "breached" and clock.stopped_at is not None:
            found.append(_as_history(sla_events.stopped_late(ticket, clock), clock.stopped_at))
    return found


def _as_history(event, at: datetime, **data):
    return event.model_copy(update={"time": at, "data": {**event.data, **data, "history": True}})

