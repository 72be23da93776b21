"""Which tickets: the list's filters, shared by the list, its export and bulk selection.

Every filter narrows (they combine with AND); a list-valued one (`status`, `priority`)
matches any of its values. Instants are half-open windows, `[from, to)`."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Annotated, Literal

from fastapi import Query
from opspact.errors import Unprocessable
from opspact.types import IsoInstant
from sqlalchemy import and_, exists, func, literal, or_, select
from sqlalchemy.sql import ColumnElement

from ticketing.knowledge.segment import MAX_QUERY_TERMS, query_terms, tsquery
from ticketing.search.models import TicketSearch
from ticketing.sla.models import SlaClock
from ticketing.tickets.models import Ticket
from ticketing.tickets.schemas import Channel, Priority, Status, TicketKind

# A word search counts its matches up to this, and ranks them only when there are no more:
# every match costs a visit (its row, its words), and ranking 30 % of 200,000 tickets took
# 300 ms (bench ticket-search). Past it the page says "at least" (total_capped) and lists
# the matches newest first — a user with a thousand matches narrows the words anyway.
MATCH_LIMIT = 1000
NUMBER = re.compile(r"^T\d{4}-\d{6}$")
SORTS = ("relevance", "due", "created_at", "-created_at", "updated_at", "-updated_at",
         "priority", "-priority", "status", "-status", "resolved_at", "-resolved_at")
Sort = Literal[SORTS]  # type: ignore[valid-type]
_WINDOW = re.compile(r"^([1-9][0-9]{0,3})([mhd])$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days"}


def window(text: str) -> timedelta:
    """`30m`, `2h`, `3d` as a duration (the pattern on the parameter guarantees the form)."""
    amount, unit = _WINDOW.match(text).groups()
    return timedelta(**{_UNITS[unit]: int(amount)})


class TicketFilters:
    """The query parameters; FastAPI fills it as a dependency."""

    def __init__(
        self,
        q: Annotated[str | None, Query(min_length=1, max_length=200, description=(
            "words, Chinese or not, found in the number, title, description, comments and "
            "monitoring fields (every word must be there); ranked by default"))] = None,
        status: Annotated[list[Status] | None, Query(description="any of these")] = None,
        kind: TicketKind | None = None,
        priority: Annotated[list[Priority] | None, Query(description="any of these")] = None,
        system: Annotated[str | None, Query(max_length=64)] = None,
        channel: Channel | None = None,
        assignee: Annotated[str | None, Query(max_length=100)] = None,
        reporter: Annotated[str | None, Query(max_length=100)] = None,
        source: Annotated[str | None, Query(max_length=32,
                                            description="hook source, e.g. alertmanager")] = None,
        external_id: Annotated[str | None, Query(max_length=128, description="a platform's fault id")] = None,
        monitor_id: Annotated[str | None, Query(max_length=128, description=(
            "a monitor's alert id (Alertmanager fingerprint, …)"))] = None,
        created_from: Annotated[IsoInstant | None, Query(description="created at or after")] = None,
        created_to: Annotated[IsoInstant | None, Query(description="created before")] = None,
        resolved_from: Annotated[IsoInstant | None, Query(description="resolved at or after")] = None,
        resolved_to: Annotated[IsoInstant | None, Query(description="resolved before")] = None,
        breached: Annotated[bool | None, Query(description=(
            "true: a clock of the ticket missed its target (now or when it stopped); "
            "false: none did"))] = None,
        due_within: Annotated[str | None, Query(pattern=_WINDOW.pattern, description=(
            "a running clock falls due within this from now, not yet past due: 30m, 2h, 1d"))] = None,
    ):
        self.q, self.status, self.kind, self.priority = q, status, kind, priority
        self.system, self.channel, self.assignee, self.reporter = system, channel, assignee, reporter
        self.source, self.external_id, self.monitor_id = source, external_id, monitor_id
        self.created_from, self.created_to = created_from, created_to
        self.resolved_from, self.resolved_to = resolved_from, resolved_to
        self.breached, self.due_within = breached, due_within

    def terms(self) -> list[str]:
        if self.q is None:
            return []
        terms = query_terms(self.q)[:MAX_QUERY_TERMS]
        if not terms:
            raise Unprocessable(f"q={self.q!r} has no searchable words",
                                errors=[{"field": "query.q", "message": "no searchable words"}])
        return terms


class Selection:
    """The filters made SQL for one caller: conditions on Ticket, the join the words need,
    the ranking and the order."""

    def __init__(self, filters: TicketFilters, tenant_id: str, sees_internal: bool,
                 sort: str | None = None):
        number = (filters.q or "").strip().upper()
        by_number = NUMBER.match(number) is not None
        self.terms = [number] if by_number else filters.terms()
        self.words = bool(self.terms) and not by_number  # the search table is joined
        self.conditions: list[ColumnElement] = [Ticket.tenant_id == tenant_id]
        self.rank = None
        if by_number:  # a ticket's number: that ticket, by its unique key
            self.conditions.append(Ticket.number == number)
            self.rank = literal(1.0)
        elif self.words:
            vector = TicketSearch.all_terms if sees_internal else TicketSearch.public_terms
            query = tsquery(self.terms, "&")
            # ticket_search has no RLS (see migration 0017): the tenant is filtered here too
            self.conditions += [TicketSearch.tenant_id == tenant_id, vector.op("@@")(query)]
            self.rank = func.ts_rank(vector, query)
        self.conditions += _field_conditions(filters) + _clock_conditions(filters, tenant_id)
        self.sort = sort or ("relevance" if self.terms else "-created_at")
        if self.sort == "relevance" and not self.terms:
            raise Unprocessable("sort=relevance needs q: without words there is nothing to rank",
                                errors=[{"field": "query.sort", "message": "needs q"}])
        self.tenant_id = tenant_id

    async def settle(self, session, count_limit: int | None = None) -> tuple[int, bool]:
        """How many tickets match, and True when there are more than counted: a word search
        counts up to MATCH_LIMIT, a list without words exactly, unless `count_limit` is
        given. Relevance becomes recency past MATCH_LIMIT."""
        count_limit = count_limit or (MATCH_LIMIT if self.terms else None)
        matching = self.select(Ticket.id)
        if count_limit is not None:
            matching = matching.limit(count_limit + 1)
        counted = select(func.count()).select_from(matching.subquery())
        total = (await session.execute(counted)).scalar_one()
        if self.sort == "relevance" and total > MATCH_LIMIT:
            self.sort = "-created_at"
        if count_limit is None:
            return total, False
        return min(total, count_limit), total > count_limit

    def select(self, *columns):
        statement = select(*columns).select_from(Ticket)
        if self.words:
            statement = statement.join(TicketSearch, TicketSearch.ticket_id == Ticket.id)
        return statement.where(*self.conditions)

    def order(self) -> list:
        if self.sort == "relevance":
            return [self.rank.desc(), Ticket.created_at.desc(), Ticket.seq.desc()]
        if self.sort == "due":  # the clock falling due soonest first; none running last
            return [soonest_due(self.tenant_id).asc().nulls_last(), Ticket.seq.asc()]
        column = getattr(Ticket, self.sort.lstrip("-"))
        descending = self.sort.startswith("-")
        order = column.desc() if descending else column.asc()
        # Only resolved_at may be empty (open tickets last either way); NULLS LAST on a
        # NOT NULL column would only stop PostgreSQL from reading (tenant, created_at) in order.
        if column is Ticket.resolved_at:
            order = order.nulls_last()
        return [order, Ticket.seq.desc() if descending else Ticket.seq.asc()]


def soonest_due(tenant_id: str):
    """Per ticket (correlated): when its running clock falling due first is due; null if none runs."""
    return (select(func.min(SlaClock.due_at))
            .where(SlaClock.tenant_id == tenant_id, SlaClock.ticket_id == Ticket.id,
                   SlaClock.state == "running")
            .scalar_subquery())


def _field_conditions(f: TicketFilters) -> list[ColumnElement]:
    out: list[ColumnElement] = []
    if f.status:
        out.append(Ticket.status.in_([s.value for s in f.status]))
    if f.priority:
        out.append(Ticket.priority.in_([p.value for p in f.priority]))
    equal = {Ticket.kind: f.kind and f.kind.value, Ticket.system_code: f.system,
             Ticket.channel: f.channel and f.channel.value, Ticket.assignee: f.assignee,
             Ticket.reporter: f.reporter, Ticket.source: f.source,
             Ticket.external_id: f.external_id, Ticket.fingerprint: f.monitor_id}
    out += [column == value for column, value in equal.items() if value is not None]
    for column, start, end, name in ((Ticket.created_at, f.created_from, f.created_to, "created"),
                                     (Ticket.resolved_at, f.resolved_from, f.resolved_to, "resolved")):
        if start is not None and end is not None and end <= start:
            raise Unprocessable(f"{name}_to must be after {name}_from",
                                errors=[{"field": f"query.{name}_to", "message": "not after the start"}])
        if start is not None:
            out.append(column >= start)
        if end is not None:
            out.append(column < end)
    return out


def _clock_conditions(f: TicketFilters, tenant_id: str) -> list[ColumnElement]:
    def any_clock(*where) -> ColumnElement:
        return exists().where(SlaClock.tenant_id == tenant_id, SlaClock.ticket_id == Ticket.id, *where)

    out: list[ColumnElement] = []
    if f.breached is not None:
        # breached_at is marked by the scheduler's next tick; a running clock past due is
        # breached already
        missed = any_clock(or_(SlaClock.breached_at.is_not(None),
                               and_(SlaClock.state == "running", SlaClock.due_at <= func.now())))
        out.append(missed if f.breached else ~missed)
    if f.due_within is not None:
        out.append(any_clock(SlaClock.state == "running", SlaClock.breached_at.is_(None),
                             SlaClock.due_at > func.now(),
                             SlaClock.due_at <= func.now() + window(f.due_within)))
    return out
