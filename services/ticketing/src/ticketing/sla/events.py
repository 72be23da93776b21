"""Integration events of the SLA clocks (through the outbox).

Billing's per-day damages read `item` (the ticket's clock), `due_at` and, once a
breached clock stops (`stopped_late`), `done_at`: how many days the work was late."""

from __future__ import annotations

from datetime import UTC, datetime

from opspact.events import CloudEvent, new_event

from ticketing.sla.models import SlaClock


def _payload(ticket, clock: SlaClock) -> dict:
    return {
        "item": f"sla:{ticket.id}:{clock.clock}",
        "ticket_id": str(ticket.id), "number": ticket.number, "priority": ticket.priority,
        "system": ticket.system_code, "title": ticket.title, "assignee": ticket.assignee,
        "clock": clock.clock, "policy": clock.policy, "target": clock.target,
        "clause": clock.clause, "schedule": clock.schedule,
        "started_at": clock.started_at.isoformat(),
        "due_at": clock.due_at.isoformat() if clock.due_at else None,
    }


def warning(ticket, clock: SlaClock) -> CloudEvent:
    return new_event("ticketing", "sla", "warning", ticket.tenant_id, str(ticket.id), {
        **_payload(ticket, clock), "warn_at": clock.warn_at.isoformat(),
        "detected_at": datetime.now(UTC).isoformat(),
    })


def breached(ticket, clock: SlaClock) -> CloudEvent:
    return new_event("ticketing", "sla", "breached", ticket.tenant_id, str(ticket.id), {
        **_payload(ticket, clock), "breached_at": clock.breached_at.isoformat(),
        "detected_at": datetime.now(UTC).isoformat(),
    })


def stopped_late(ticket, clock: SlaClock) -> CloudEvent:
    """A breached clock stopped: the late work is done (a reopened ticket's clock may
    run again; its next stop is announced again and the latest `done_at` counts)."""
    return new_event("ticketing", "sla", "stopped_late", ticket.tenant_id, str(ticket.id), {
        **_payload(ticket, clock), "breached_at": clock.breached_at.isoformat(),
        "done_at": clock.stopped_at.isoformat(),
    })


def calendar_missing(ticket, clock: SlaClock, message: str) -> CloudEvent:
    return new_event("ticketing", "calendar", "missing", ticket.tenant_id, str(ticket.id), {
        **_payload(ticket, clock), "year": clock.missing_year, "message": message,
    })
