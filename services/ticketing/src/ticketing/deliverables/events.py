"""A deliverable's integration events (through the outbox): notify routes them — the due and
overdue notices to the vendor, a submission to the client's officer, a decision back."""

from __future__ import annotations

from datetime import date

from opspact.events import CloudEvent, new_event

from ticketing.deliverables.models import DeliverableVersion
from ticketing.deliverables.register import Entry
from ticketing.signoff.models import SignOff


def _base(entry: Entry) -> dict:
    return {"code": entry.item.code, "name": entry.item.name, "period": entry.period, "label": entry.label,
            "due_on": entry.due_on.isoformat() if entry.due_on else None, "clause": entry.item.clause}


def _key(entry: Entry) -> str:
    return f"{entry.item.code}:{entry.period}"


def due(tenant_id: str, entry: Entry, today: date) -> CloudEvent:
    return new_event("ticketing", "deliverable", "due", tenant_id, _key(entry), {
        **_base(entry), "days_left": (entry.due_on - today).days if entry.due_on else None})


def overdue(tenant_id: str, entry: Entry, today: date) -> CloudEvent:
    return new_event("ticketing", "deliverable", "overdue", tenant_id, _key(entry), {
        **_base(entry), "days_late": (today - entry.due_on).days if entry.due_on else None})


def _version(v: DeliverableVersion) -> dict:
    return {"version": v.version, "filename": v.filename, "sha256": v.sha256, "size": v.size,
            "submitted_by": v.submitted_by, "submitted_at": v.submitted_at.isoformat()}


def submitted(tenant_id: str, entry: Entry, v: DeliverableVersion) -> CloudEvent:
    return new_event("ticketing", "deliverable", "submitted", tenant_id, _key(entry),
                     {**_base(entry), **_version(v), "note": v.note})


def decided(tenant_id: str, entry: Entry, v: DeliverableVersion, s: SignOff,
            records_on: date | None) -> CloudEvent:
    """accepted | rejected; an accepted item that records a contract date says which and when
    (billing records it: 验收合格 opens the milestones waiting for it)."""
    return new_event("ticketing", "deliverable", s.decision, tenant_id, _key(entry), {
        **_base(entry), **_version(v), "decision": s.decision, "comment": s.comment,
        "signed_by": s.signed_by, "method": s.method, "signed_at": s.signed_at.isoformat(),
        "records": entry.item.records if s.decision == "accepted" else None,
        "on": records_on.isoformat() if records_on and s.decision == "accepted" else None})
