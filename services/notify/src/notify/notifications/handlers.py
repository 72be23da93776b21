"""Event handlers: what each incoming event turns into (run by the inbox consumer,
inside its transaction, so a message is recorded exactly once per event)."""

from opspact.events import CloudEvent
from opspact.tenancy.registry import load_tenant
from sqlalchemy.ext.asyncio import AsyncSession

from notify.notifications import repository, templates
from notify.tables import shared


async def on_ticket_created(session: AsyncSession, event: CloudEvent) -> None:
    config = await load_tenant(session, shared.tenants, event.tenantid)
    on_duty = config["settings"]["on_duty"]
    await repository.add_once(
        session, tenant_id=event.tenantid, source_event_id=event.id,
        source_event_type=event.type, channel="sms", recipient=on_duty["mobile"],
        body=templates.ticket_created(event.data), status="pending",
    )


HANDLERS = {"ticketing.ticket.created.v1": on_ticket_created}
