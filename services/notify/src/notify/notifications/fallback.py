"""A message that failed for good on its channel goes to the recipient's next one."""

from __future__ import annotations

from opspact import metrics
from sqlalchemy.ext.asyncio import AsyncSession

from notify import routing
from notify.notifications import repository
from notify.notifications.models import Notification
from notify.tenant_settings import Channel, NotifyTenantSettings


async def fail_over(session: AsyncSession, note: Notification, tenant: NotifyTenantSettings,
                    reason: str) -> None:
    """Mark `note` failed and queue the same message on the first fallback channel the
    contact has an address for (none: it stays a dead letter for `opspact notify replay`)."""
    # A queued message carries a reason only for why it exists (a fallback's cause, a
    # replay): keep it, then say why it failed as well.
    told = f"{note.reason}; then {reason}" if note.reason else reason
    note.status, note.reason = "failed", told[:1000]
    metrics.count_message(note, "failed")
    await repository.dequeue(session, note.id)
    contact = routing.routed_contact(tenant, note.audience, note.contact, note.recipient)
    for index, name in enumerate(note.fallback or []):
        address = contact and contact.address(Channel(name))
        if not address:
            continue
        await repository.add_once(
            session, tenant_id=note.tenant_id, source_event_id=note.source_event_id,
            source_event_type=note.source_event_type, subject=note.subject, rule=note.rule,
            level=note.level, audience=note.audience, contact=note.contact,
            contact_name=note.contact_name, urgent=note.urgent, channel=name, recipient=address,
            fallback=note.fallback[index + 1:], title=note.title, template=note.template,
            template_version=note.template_version, fields=note.fields, body=note.body,
            reason=f"fallback after {note.channel} failed: {reason}"[:1000])
        return
