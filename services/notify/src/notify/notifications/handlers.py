"""Event handlers, run by the inbox consumer inside its transaction: the messages an
event produces are recorded exactly once, with the event."""

from datetime import UTC, datetime

from opspact.events import CloudEvent
from opspact.tenancy.term import CONTRACT_DATE_RECORDED, contract_date_handler
from sqlalchemy.ext.asyncio import AsyncSession

from notify import catalogue, tenant_settings
from notify.duty.service import on_roster_changed
from notify.escalation import acknowledge_by_event
from notify.routing import Occurrence, route
from notify.tables import shared


async def on_event(session: AsyncSession, event: CloudEvent) -> None:
    if event.data.get("history") is True:
        # an imported past year's breaches (ticketing's import): counted by billing,
        # news to nobody — a year-old breach must not text tonight's engineer
        return
    _, settings = await tenant_settings.load(session, event.tenantid)
    now = datetime.now(UTC)
    await acknowledge_by_event(session, settings, event.tenantid, event.type, event.subject,
                               str(event.data.get("actor") or "?"), now)
    await route(session, settings, Occurrence(event.tenantid, event.id, event.type, event.subject,
                                              event.data), now)


HANDLERS = {**{event_type: on_event for event_type in catalogue.EVENTS},
            "inventory.roster.changed.v1": on_roster_changed,
            # the quota's contract year starts with the term (wuqia: at acceptance)
            CONTRACT_DATE_RECORDED: contract_date_handler(shared.tenants)}
