"""Integration events of the ticket aggregate."""

from opspact.events import CloudEvent, new_event

from ticketing.tickets.models import Ticket


def created(ticket: Ticket, system_name: str | None) -> CloudEvent:
    return new_event("ticketing", "ticket", "created", ticket.tenant_id, str(ticket.id), {
        "ticket_id": str(ticket.id), "number": ticket.number, "kind": ticket.kind,
        "priority": ticket.priority, "channel": ticket.channel, "status": ticket.status,
        "system": ticket.system_code, "system_name": system_name, "title": ticket.title,
        "reporter": ticket.reporter, "source": ticket.source,
        "created_at": ticket.created_at.isoformat(),
    })
