"""A ticket list as a spreadsheet for an auditor or the client: the rows the list would show
for the same filters, in the same order, streamed from one database cursor so 100,000 rows
cost one batch of memory. Labels in zh-CN, instants in Asia/Shanghai."""

from __future__ import annotations

from collections.abc import AsyncIterator

from opspact.db import Database
from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import aggregate_order_by

from ticketing.reports import labels
from ticketing.search.filters import Selection, soonest_due
from ticketing.sla.models import SlaClock
from ticketing.tickets.models import Ticket

MAX_ROWS = 100_000
FETCH_ROWS = 1000
HEADER = ["编号", "类型", "状态", "优先级", "渠道", "系统", "标题", "描述", "报告人", "处理人",
          "来源", "外部编号", "创建时间", "解决时间", "超时的时限", "最近到期"]
WIDTHS = [16, 8, 8, 12, 8, 18, 40, 60, 10, 12, 12, 18, 20, 20, 14, 20]


def _missed_clocks(tenant_id: str):
    """Per ticket (correlated): the clocks that missed their target, in the order they run."""
    return (select(func.array_agg(aggregate_order_by(SlaClock.clock, SlaClock.id)))
            .where(SlaClock.tenant_id == tenant_id, SlaClock.ticket_id == Ticket.id,
                   SlaClock.breached_at.is_not(None))
            .scalar_subquery())


_COLUMNS = (Ticket.number, Ticket.kind, Ticket.status, Ticket.priority, Ticket.channel,
            Ticket.system_code, Ticket.title, Ticket.description, Ticket.reporter, Ticket.assignee,
            Ticket.source, Ticket.external_id, Ticket.created_at, Ticket.resolved_at)


async def rows(db: Database, selection: Selection, systems: dict[str, str]) -> AsyncIterator[list]:
    """The export's rows, read in a transaction of their own: the response streams after the
    request's unit of work has ended. Columns, not ORM objects: building 100,000 Ticket
    objects cost more than reading them."""
    statement = (selection.select(*_COLUMNS, _missed_clocks(selection.tenant_id),
                                  soonest_due(selection.tenant_id)).order_by(*selection.order())
                 .limit(MAX_ROWS).execution_options(yield_per=FETCH_ROWS))
    async with db.unit_of_work(selection.tenant_id) as session:
        result = await session.stream(statement)
        async for (number, kind, status, priority, channel, system, title, description, reporter,
                   assignee, source, external_id, created_at, resolved_at, missed_clocks, due) in result:
            yield [number, labels.of(labels.KINDS, kind), labels.of(labels.STATUSES, status),
                   labels.of(labels.PRIORITIES, priority), labels.of(labels.CHANNELS, channel),
                   systems.get(system, system), title, description, reporter, assignee, source,
                   external_id, created_at, resolved_at,
                   "、".join(labels.of(labels.CLOCKS, c) for c in missed_clocks or ()) or None, due]
