"""A follow-up's integration events (through the outbox). `requested` carries the link and
the reporter's mobile for notify's SMS (audience `address:mobile`) and nothing else personal."""

from __future__ import annotations

from opspact.events import CloudEvent, new_event

from ticketing.followups.models import FollowUp
from ticketing.tickets.models import Ticket


def _base(ticket: Ticket, row: FollowUp) -> dict:
    return {"follow_up_id": row.id, "ticket_id": str(ticket.id), "number": ticket.number,
            "kind": ticket.kind, "title": ticket.title, "system": ticket.system_code,
            "resolved_at": row.resolved_at.isoformat(), "due_at": row.due_at.isoformat(),
            "channel": row.channel}


def requested(ticket: Ticket, row: FollowUp, link: str) -> CloudEvent:
    return new_event("ticketing", "follow_up", "requested", ticket.tenant_id, str(ticket.id), {
        **_base(ticket, row), "mobile": ticket.reporter_mobile, "link": link,
        "expires_at": row.link_expires_at.isoformat() if row.link_expires_at else None})


def answered(ticket: Ticket, row: FollowUp) -> CloudEvent:
    return new_event("ticketing", "follow_up", "answered", ticket.tenant_id, str(ticket.id), {
        **_base(ticket, row), "score": row.score, "comment": row.comment, "via": row.answered_via,
        "answered_at": row.answered_at.isoformat() if row.answered_at else None,
        "complaint_ticket_id": str(row.complaint_ticket_id) if row.complaint_ticket_id else None})
