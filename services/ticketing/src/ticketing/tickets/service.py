"""Ticket rules: systems must be in the tenant's scope, creates are idempotent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID

from opspact import outbox
from opspact.errors import Conflict, NotFound, Unprocessable
from opspact.tenancy.registry import parsed_tenant
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from ticketing.idempotency import request_hash, scoped
from ticketing.numbering import next_number
from ticketing.search.index import index_new
from ticketing.sla.clocks import start_clocks
from ticketing.tables import shared
from ticketing.tenant_settings import TicketingTenantSettings
from ticketing.tickets import events, repository
from ticketing.tickets.models import Ticket
from ticketing.tickets.schemas import TicketCreate


@dataclass
class Created:
    ticket: Ticket
    fresh: bool
    settings: TicketingTenantSettings  # read once here; the caller presents with it

    def system_names(self) -> dict[str, str]:
        return {s.code: s.name for s in self.settings.systems}


async def settings_of(session: AsyncSession, tenant_id: str) -> TicketingTenantSettings:
    """The tenant's ticketing settings (parsed once per version of its slice; read-only)."""
    return await parsed_tenant(session, shared.tenants, tenant_id, _settings)


def _settings(config: dict) -> TicketingTenantSettings:
    return TicketingTenantSettings.model_validate(config["settings"])


async def systems_of(session: AsyncSession, tenant_id: str) -> dict[str, str]:
    return {s.code: s.name for s in (await settings_of(session, tenant_id)).systems}


async def create(session: AsyncSession, tenant_id: str, body: TicketCreate, actor: str,
                 idempotency_key: str | None = None, source: str | None = None,
                 external_id: str | None = None, fingerprint: str | None = None,
                 settings: TicketingTenantSettings | None = None) -> Created:
    """A new ticket, or the one this request repeats: same Idempotency-Key, same
    platform fault id, or same alert fingerprint while its incident is open."""
    settings = settings or await settings_of(session, tenant_id)
    systems = {s.code: s.name for s in settings.systems}
    if body.system not in systems:
        raise Unprocessable(f"unknown system {body.system!r} for tenant {tenant_id}; "
                            f"known: {', '.join(sorted(systems)) or '(none configured)'}",
                            errors=[{"field": "body.system", "message": "unknown system"}])
    digest = request_hash(body)
    idempotency_key = scoped(actor, idempotency_key)
    if idempotency_key:
        earlier = await repository.by_idempotency_key(session, tenant_id, idempotency_key)
        if earlier is not None:
            if earlier.request_hash != digest:
                raise Conflict("Idempotency-Key was already used with a different request")
            return Created(earlier, fresh=False, settings=settings)
    repeat = await _repeated(session, tenant_id, source, external_id, fingerprint)
    if repeat is not None:
        return Created(await repository.count_again(session, repeat), False, settings)
    ticket = Ticket(
        tenant_id=tenant_id, number=await next_number(session, tenant_id, "T", datetime.now(UTC)),
        kind=body.kind.value, status="new", priority=body.priority.value,
        channel=body.channel.value, system_code=body.system, title=body.title,
        description=body.description, reporter=body.reporter,
        reporter_mobile=body.reporter_mobile, source=source,
        external_id=external_id, fingerprint=fingerprint, idempotency_key=idempotency_key,
        request_hash=digest,
    )
    try:
        ticket = await repository.add(session, ticket, actor, note=f"channel={body.channel.value}")
    except IntegrityError:
        # A concurrent request for the same key, fault or alert won the race.
        if idempotency_key:
            winner = await repository.by_idempotency_key(session, tenant_id, idempotency_key)
            if winner is not None:
                return Created(winner, fresh=False, settings=settings)
        winner = await _repeated(session, tenant_id, source, external_id, fingerprint)
        if winner is None:
            raise
        return Created(await repository.count_again(session, winner), False, settings)
    await start_clocks(session, ticket, settings)
    await index_new(session, ticket)
    await outbox.add(session, shared.outbox, events.created(ticket, systems.get(ticket.system_code)))
    return Created(ticket, fresh=True, settings=settings)


async def _repeated(session: AsyncSession, tenant_id: str, source: str | None,
                    external_id: str | None, fingerprint: str | None) -> Ticket | None:
    if external_id:  # the platform re-sent a fault we already hold
        return await repository.by_external_id(session, tenant_id, source or "", external_id)
    if fingerprint:  # the monitor fires again while the incident is open
        return await repository.open_by_fingerprint(session, tenant_id, source or "", fingerprint)
    return None


async def get(session: AsyncSession, tenant_id: str, ticket_id: UUID) -> Ticket:
    ticket = await repository.get(session, tenant_id, ticket_id)
    if ticket is None:
        raise NotFound(f"ticket {ticket_id} not found")
    return ticket
