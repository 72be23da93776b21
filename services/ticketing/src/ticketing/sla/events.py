"""Integration events of the SLA clocks (through the outbox)."""

from __future__ import annotations

from datetime import UTC, datetime

from opspact.events import CloudEvent, new_event

from ticketing.sla.models import SlaClock


def _payload(ticket, clock: SlaClock) -> dict:
    return {
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


def calendar_missing(ticket, clock: SlaClock, message: str) -> CloudEvent:
    return new_event("ticketing", "calendar", "missing", ticket.tenant_id, str(ticket.id), {
        **_payload(ticket, clock), "year": clock.missing_year, "message": message,
    })
