"""What one signal from a platform or monitor does: open, count again, or resolve."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sqlalchemy.ext.asyncio import AsyncSession

from ticketing.hooks.adapters import Signal
from ticketing.tenant_settings import TicketingTenantSettings
from ticketing.tickets import changes, repository, service
from ticketing.tickets.models import Ticket
from ticketing.tickets.schemas import Status, TransitionCreate

Action = Literal["created", "repeated", "resolved", "no_open_incident"]


@dataclass
class Handled:
    key: str
    action: Action
    ticket: Ticket | None


async def handle(session: AsyncSession, tenant_id: str, source: str, signal: Signal,
                 settings: TicketingTenantSettings,
                 idempotency_key: str | None = None) -> Handled:
    actor = f"hook:{source}"
    if signal.recovery:
        ticket = await repository.open_by_fingerprint(session, tenant_id, source, signal.key)
        if ticket is None:  # recovered before we heard of it, or already resolved by hand
            return Handled(signal.key, "no_open_incident", None)
        ticket = await changes.transition(
            session, tenant_id, ticket.id,
            TransitionCreate(to=Status.resolved, note=f"监控恢复（{source}）"), actor)
        return Handled(signal.key, "resolved", ticket)
    result = await service.create(
        session, tenant_id, signal.ticket, actor, idempotency_key=idempotency_key, source=source,
        external_id=None if signal.by_fingerprint else signal.key,
        fingerprint=signal.key if signal.by_fingerprint else None, settings=settings)
    return Handled(signal.key, "created" if result.fresh else "repeated", result.ticket)
