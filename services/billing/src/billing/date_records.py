"""Recording a contract date (acceptance, delivery, the client's budget approval): by a
person through `PUT /contract-dates/{kind}`, or from the client's sign-off of the deliverable
the tenant file says establishes it (`ticketing.deliverable.accepted.v1` with `records`):
验收合格 signed in OpsPact is billing's acceptance date, and the milestones waiting for it open."""

from __future__ import annotations

from datetime import date

from opspact import outbox
from opspact.events import CloudEvent, new_event
from opspact.tenancy.term import record_start
from sqlalchemy import func
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from billing.ledger.service import contract, reassess
from billing.models import ContractDate
from billing.tables import shared

SIGNED_OFF = "ticketing.deliverable.accepted.v1"


async def record(session: AsyncSession, tenant_id: str, kind: str, on: date, evidence: str,
                 by: str) -> ContractDate:
    """Keep (or correct) the date, announce it, start the term if it starts with it, and
    judge the ledger again (a deadline met or moved)."""
    await contract(session, tenant_id)  # the tenant must be configured
    values = {"on": on, "evidence": evidence, "recorded_by": by}
    await session.execute(pg_insert(ContractDate).values(tenant_id=tenant_id, kind=kind, **values)
                          .on_conflict_do_update(index_elements=[ContractDate.tenant_id, ContractDate.kind],
                                                 set_={**values, "recorded_at": func.now()}))
    row = await session.get(ContractDate, (tenant_id, kind), populate_existing=True)
    await outbox.add(session, shared.outbox, new_event(
        "billing", "contract_date", "recorded", tenant_id, kind,
        {"kind": kind, "on": on.isoformat(), "evidence": evidence}))
    # the term may start with it (wuqia: acceptance): billing keeps it at once, the other
    # services from the event
    await record_start(session, shared.tenants, tenant_id, kind, on)
    await reassess(session, tenant_id)
    return row


async def on_signed_off(session: AsyncSession, event: CloudEvent) -> None:
    """Inbox handler: an accepted deliverable that records a contract date."""
    data = event.data
    if not data.get("records") or not data.get("on"):
        return
    evidence = (f"甲方签收：{data['label']} 第{data['version']}版（{data['filename']}，SHA-256 "
                f"{data['sha256']}），{data['signed_by']}"
                f"{'以数字证书' if data.get('method') == 'pki' else ''}确认")
    await record(session, event.tenantid, data["records"], date.fromisoformat(data["on"]), evidence,
                 f"signoff:{data['signed_by']}")


HANDLERS = {SIGNED_OFF: on_signed_off}
