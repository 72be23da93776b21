"""Which status may follow which, and how far along the main line a status is.

Main line: new → acknowledged → dispatched → on_site → resolved → closed. Steps may
be skipped (a hotline consultation is answered on the call: new → resolved) and an
open ticket may step back (the engineer left the site and comes back tomorrow), but
nothing returns to `new`, only a resolved ticket is closed, and a closed ticket is
final. Leaving `resolved` for an open status is a reopen (the service asks for a
reason)."""

from __future__ import annotations

from ticketing.tickets.schemas import Status

MAIN_LINE = (Status.new, Status.acknowledged, Status.dispatched, Status.on_site,
             Status.resolved, Status.closed)
WAITING = (Status.waiting_other_unit, Status.waiting_finance_dept, Status.waiting_client)
OPEN = frozenset(MAIN_LINE[:4]) | frozenset(WAITING)
DONE = frozenset((Status.resolved, Status.closed))


def rank(status: str | Status) -> int:
    """Position on the main line. A waiting ticket has been taken up, so it ranks
    with `acknowledged`: entering a waiting state meets the response clock."""
    status = Status(status)
    if status in WAITING:
        return MAIN_LINE.index(Status.acknowledged)
    return MAIN_LINE.index(status)


class Refused(ValueError):
    """A transition the workflow does not allow; the message says why."""


def check(current: str | Status, target: str | Status) -> bool:
    """Raise Refused unless `current → target` is allowed; True when it is a reopen."""
    current, target = Status(current), Status(target)
    if current == target:
        raise Refused(f"the ticket is already {target.value}")
    if current == Status.closed:
        raise Refused("a closed ticket is final; open a new ticket that refers to it")
    if target == Status.new:
        raise Refused("a ticket cannot return to new")
    if target == Status.closed and current != Status.resolved:
        raise Refused(f"only a resolved ticket can be closed (it is {current.value})")
    return current == Status.resolved and target in OPEN


def resolved_at_after(target: str | Status, at, resolved_at):
    """A ticket's `resolved_at` once it moved to `target` at `at`: set on becoming resolved,
    kept when closed, cleared when reopened (it is not resolved any more)."""
    target = Status(target)
    if target == Status.resolved:
        return at
    return resolved_at if target == Status.closed else None


def allowed_from(current: str | Status) -> tuple[tuple[Status, bool], ...]:
    """Every status `current` may move to, each with whether it is a reopen."""
    found = []
    for target in Status:
        try:
            found.append((target, check(current, target)))
        except Refused:
            continue
    return tuple(found)
