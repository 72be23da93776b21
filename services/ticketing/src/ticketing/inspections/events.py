"""Integration events of the inspection rounds (through the outbox).

Billing's per-day damages read `item` (the round), `due_at` (the deadline: due time
plus grace, from when the round counts as late) and, once made up, `done_at`."""

from __future__ import annotations

from opspact.events import CloudEvent, new_event
from ticketing.inspections.models import InspectionRound
from ticketing.inspections.plan import round_key


def _payload(row: InspectionRound, name: str) -> dict:
    return {"item": f"inspection:{round_key(row.schedule, row.due_at)}",
            "round": round_key(row.schedule, row.due_at), "schedule": row.schedule,
            "schedule_name": name, "scheduled_at": row.due_at.isoformat(),
            "due_at": row.deadline.isoformat(), "heightened": row.heightened}


def missed(row: InspectionRound, name: str) -> CloudEvent:
    return new_event("ticketing", "inspection", "missed", row.tenant_id, str(row.id), {
        **_payload(row, name), "detected_at": row.missed_at.isoformat()})


def made_up(row: InspectionRound, name: str) -> CloudEvent:
    return new_event("ticketing", "inspection", "made_up", row.tenant_id, str(row.id), {
        **_payload(row, name), "done_at": row.ended_at.isoformat(), "inspector": row.inspector,
        "anomalies": row.anomalies})


def recorded(row: InspectionRound, name: str) -> CloudEvent:
    return new_event("ticketing", "inspection", "recorded", row.tenant_id, str(row.id), {
        **_payload(row, name), "done_at": row.ended_at.isoformat(), "inspector": row.inspector,
        "anomalies": row.anomalies})
