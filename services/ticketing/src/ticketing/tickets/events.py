"""Integration events of the ticket aggregate."""

from __future__ import annotations

from typing import Any

from opspact.events import CloudEvent, new_event

from ticketing.tickets.models import Ticket


def _summary(ticket: Ticket) -> dict[str, Any]:
    return {"ticket_id": str(ticket.id), "number": ticket.number, "kind": ticket.kind,
            "priority": ticket.priority, "status": ticket.status, "system": ticket.system_code,
            "title": ticket.title, "assignee": ticket.assignee}


def _event(ticket: Ticket, action: str, data: dict[str, Any]) -> CloudEvent:
    return new_event("ticketing", "ticket", action, ticket.tenant_id, str(ticket.id),
                     {**_summary(ticket), **data})


def created(ticket: Ticket, system_name: str | None) -> CloudEvent:
    return _event(ticket, "created", {
        "channel": ticket.channel, "system_name": system_name, "reporter": ticket.reporter,
        "source": ticket.source, "created_at": ticket.created_at.isoformat(),
    })


def status_changed(ticket: Ticket, old: str, actor: str, note: str, reopened: bool) -> CloudEvent:
    return _event(ticket, "status_changed", {
        "from": old, "to": ticket.status, "actor": actor, "note": note, "reopened": reopened,
        "at": ticket.updated_at.isoformat(),
    })


def resolved(ticket: Ticket, actor: str, note: str) -> CloudEvent:
    return _event(ticket, "resolved", {"actor": actor, "note": note,
                                       "resolved_at": ticket.updated_at.isoformat()})


def closed(ticket: Ticket, actor: str, note: str) -> CloudEvent:
    return _event(ticket, "closed", {"actor": actor, "note": note,
                                     "closed_at": ticket.updated_at.isoformat()})


def assigned(ticket: Ticket, previous: str | None, actor: str) -> CloudEvent:
    return _event(ticket, "assigned", {"previous_assignee": previous, "actor": actor,
                                       "at": ticket.updated_at.isoformat()})


def updated(ticket: Ticket, changes: dict[str, tuple[Any, Any]], actor: str, note: str) -> CloudEvent:
    return _event(ticket, "updated", {
        "changes": {field: {"old": old, "new": new} for field, (old, new) in changes.items()},
        "actor": actor, "note": note, "at": ticket.updated_at.isoformat(),
    })


def mentioned(ticket: Ticket, comment_id: int, author: str, visibility: str, codes: list[str],
              text: str) -> CloudEvent:
    return _event(ticket, "mentioned", {
        "comment_id": comment_id, "author": author, "visibility": visibility, "mentioned": codes,
        "excerpt": text[:200]})


def mail_reply(ticket: Ticket, comment_id: int, author: str, to: str, body: str,
               mail: dict[str, Any]) -> CloudEvent:
    return _event(ticket, "mail_reply", {"comment_id": comment_id, "author": author, "to": to,
                                         "body": body, "mail": mail})
