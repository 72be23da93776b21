"""One action on many tickets: each ticket checked and changed on its own — its own
expected status, workflow, clocks and events, in its own savepoint — so one ticket in the
wrong state is reported and the others are changed. `atomic: true` asks for all or
nothing: any refusal and no ticket changes (409, with every ticket's outcome).

Tickets are locked in id order whatever order they were sent in: two bulk actions over
overlapping tickets wait for each other instead of deadlocking."""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from opspact.auth import Principal
from opspact.errors import Conflict, Problem
from opspact.permissions import require
from opspact.types import Stripped
from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlalchemy.ext.asyncio import AsyncSession

from ticketing.comments import service as comments
from ticketing.comments.schemas import CommentIn, Visibility
from ticketing.tickets import changes, service
from ticketing.tickets.schemas import Priority, Status, TicketUpdate, TransitionCreate

MAX_TICKETS = 500
# what each action needs besides the ids
NEEDS = {"assign": ("assignee",), "transition": ("to",), "comment": ("body",), "priority": ("priority",)}


class BulkIn(Stripped):
    model_config = ConfigDict(extra="forbid")
    ids: list[UUID] = Field(min_length=1, max_length=MAX_TICKETS)
    action: Literal["assign", "transition", "comment", "priority"]
    assignee: str | None = Field(default=None, min_length=1, max_length=100,
                                 description="assign; also transition (dispatching to someone)")
    to: Status | None = Field(default=None, description="transition: the status to move to")
    expected_status: Status | None = Field(default=None, description=(
        "transition: refuse a ticket (409) unless it is still in this status"))
    priority: Priority | None = Field(default=None, description="priority: the new priority")
    body: str | None = Field(default=None, min_length=1, max_length=20000, description="comment")
    visibility: Visibility = Field(default="internal", description="comment")
    note: str = Field(default="", max_length=2000, description="why, for each ticket's timeline")
    atomic: bool = Field(default=False, description="all or nothing")

    @model_validator(mode="after")
    def _complete(self) -> BulkIn:
        missing = [f for f in NEEDS[self.action] if getattr(self, f) is None]
        if missing:
            raise ValueError(f"{self.action} needs {', '.join(missing)}")
        if len(set(self.ids)) != len(self.ids):
            raise ValueError("ids lists a ticket more than once")
        return self


class BulkOutcome(BaseModel):
    id: UUID
    ok: bool
    status: int = Field(description="what the single-ticket call would have answered: 200, 404, 409, 422…")
    detail: str | None = None
    number: str | None = None
    ticket_status: Status | None = None


class BulkOut(BaseModel):
    action: str
    atomic: bool
    applied: int
    refused: int
    results: list[BulkOutcome] = Field(description="one per id, in the order sent")


def _permissions(principal: Principal, body: BulkIn) -> None:
    require(principal, "tickets.write")
    if body.action == "comment" and body.visibility == "internal":
        require(principal, "comments.internal")


async def _apply_one(session: AsyncSession, principal: Principal, body: BulkIn, ticket_id: UUID):
    tenant, actor = principal.tenant, principal.subject
    if body.action == "transition":
        return await changes.transition(session, tenant, ticket_id, TransitionCreate(
            to=body.to, note=body.note, expected_status=body.expected_status,
            assignee=body.assignee), actor)
    if body.action in ("assign", "priority"):
        field = {"assign": "assignee", "priority": "priority"}[body.action]
        return await changes.update(session, tenant, ticket_id, TicketUpdate.model_validate(
            {field: getattr(body, field), "note": body.note}), actor)
    ticket = await service.get(session, tenant, ticket_id)
    await comments.add(session, ticket, actor, CommentIn(body=body.body, visibility=body.visibility))
    return ticket


async def apply(session: AsyncSession, principal: Principal, body: BulkIn) -> BulkOut:
    _permissions(principal, body)
    outcomes: dict[UUID, BulkOutcome] = {}
    for ticket_id in sorted(body.ids):
        try:
            async with session.begin_nested():
                ticket = await _apply_one(session, principal, body, ticket_id)
            outcomes[ticket_id] = BulkOutcome(id=ticket_id, ok=True, status=200, number=ticket.number,
                                              ticket_status=ticket.status)
        except Problem as refused:
            outcomes[ticket_id] = BulkOutcome(id=ticket_id, ok=False, status=refused.status,
                                              detail=refused.detail)
    results = [outcomes[i] for i in body.ids]
    applied = sum(r.ok for r in results)
    out = BulkOut(action=body.action, atomic=body.atomic, applied=applied,
                  refused=len(results) - applied, results=results)
    if body.atomic and out.refused:
        raise Conflict(f"{out.refused} of {len(results)} tickets refused {body.action}; atomic: "
                       "none was changed", results=[r.model_dump(mode="json") for r in results])
    return out
