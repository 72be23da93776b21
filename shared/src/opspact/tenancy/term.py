"""A contract term that starts when something happens (wuqia: "本合同项目下的服务期限为：
自项目验收合格之日起【一】年"). Billing records the date (`PUT /api/billing/contract-dates/
acceptance`) and announces it (`billing.contract_date.recorded.v1`); every service that
plans by the term (inspection rounds, reports, contract years) keeps the dates beside the
applied tenant file, which `load_tenant` merges in."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Table, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from opspact.events import CloudEvent


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it is shorter)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def term_from(term: dict[str, Any], kind: str, on: date) -> dict[str, str] | None:
    """The term's dates when `kind` on `on` starts it; None when it does not."""
    if term.get("starts_with") != kind or not term.get("months"):
        return None
    end = add_months(on, int(term["months"])) - timedelta(days=1)
    return {"start": on.isoformat(), "end": end.isoformat(), "basis": term.get("basis") or "",
            "recorded_on": on.isoformat(), "kind": kind}


async def record_start(session: AsyncSession, table: Table, tenant_id: str, kind: str,
                       on: date) -> dict[str, str] | None:
    """Keep the term's dates if `kind` starts this tenant's term (a correction replaces them)."""
    config = (await session.execute(select(table.c.config).where(
        table.c.tenant_id == tenant_id))).scalar_one_or_none()
    if config is None:
        return None
    recorded = term_from(config.get("contract", {}).get("term", {}), kind, on)
    if recorded is not None:
        await session.execute(update(table).where(table.c.tenant_id == tenant_id)
                              .values(recorded_term=recorded))
    return recorded


def contract_date_handler(table: Table):
    """The inbox handler for `billing.contract_date.recorded.v1` of a service's tenants."""
    async def on_contract_date(session: AsyncSession, event: CloudEvent) -> None:
        await record_start(session, table, event.tenantid, event.data["kind"],
                           date.fromisoformat(event.data["on"]))
    return on_contract_date


CONTRACT_DATE_RECORDED = "billing.contract_date.recorded.v1"
