"""Integration events of change requests (through the outbox)."""

from __future__ import annotations

from opspact.events import CloudEvent, new_event

from ticketing.changes.models import Change


def event(change: Change, name: str, **extra) -> CloudEvent:
    """`name`: submitted | approved | rejected | cancelled | started | implemented."""
    return new_event("ticketing", "change", name, change.tenant_id, str(change.id), {
        "change_id": str(change.id), "number": change.number, "kind": change.kind,
        "risk": change.risk, "system": change.system_code, "title": change.title,
        "status": change.status, "submitted_by": change.submitted_by,
        "window_start": change.window_start.isoformat(), "window_end": change.window_end.isoformat(),
        "waiting_for": (change.chain[change.next_step]["name"]
                        if change.status == "submitted" else None),
        **extra})
