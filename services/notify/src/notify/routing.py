"""From an event to messages: which rules match, who the audience is, over which channel.

Runs inside the inbox consumer's transaction (and the escalation watch's), so the
messages of an event are recorded exactly once with it. Each message is one row keyed by
(event, channel, recipient); a recipient nobody can reach is recorded too, as
`suppressed` with the reason, so the history answers "why did no one get this?"."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from opspact.tenancy.model import MOBILE_PATTERN
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from notify import render_pool, rendering
from notify.duty.service import on_duty
from notify.notifications import repository
from notify.notifications.models import Escalation, EscalationDue
from notify.templates import service as templates
from notify.tenant_settings import Channel, Contact, NotifyTenantSettings, Rule

# an event naming more people than this is not a mention, it is a broadcast
MAX_NAMED = 20


@dataclass(frozen=True)
class Occurrence:
    """What routing needs of an event (the escalation watch rebuilds it from its row)."""
    tenant_id: str
    event_id: str
    event_type: str
    subject: str | None
    data: dict


@dataclass(frozen=True)
class Recipient:
    audience: str
    contact: Contact


def matches(rule: Rule, occurrence: Occurrence) -> bool:
    if occurrence.event_type not in rule.events:
        return False
    return all(str(occurrence.data.get(key)) in values for key, values in rule.match.items())


async def resolve(session: AsyncSession, settings: NotifyTenantSettings, occurrence: Occurrence,
                  audiences: list[str], at: datetime) -> tuple[list[Recipient], list[tuple[str, str]]]:
    """The contacts behind the audiences (first audience wins for a person), and the
    (audience, staff code) pairs notify has no contact for."""
    found: dict[str, Recipient] = {}
    unknown: list[tuple[str, str]] = []
    for audience in audiences:
        kind, _, name = audience.partition(":")
        if kind == "on_duty":
            codes = [s.staff for s in await on_duty(session, occurrence.tenant_id, at, name or None)]
        elif kind == "contact":
            codes = [name]
        elif kind == "data":
            codes = staff_in(occurrence.data.get(name))
        elif kind == "address":
            # an address the event carries, no contact behind it (a mail ticket's reporter)
            contact = _address_contact(occurrence.data.get(name))
            if contact is None:
                unknown.append((kind, str(occurrence.data.get(name))[:64]))
            elif contact.code not in found:
                found[contact.code] = Recipient(audience, contact)
            continue
        else:
            codes = settings.groups.get(name, [])
        for code in codes:
            contact = settings.contact(code)
            if contact is None:
                unknown.append((audience.partition(":")[0], code))
            elif code not in found:
                found[code] = Recipient(audience, contact)
    return list(found.values()), unknown


# A member of the public the event names (a follow-up's reporter) is not texted at night.
PUBLIC_QUIET_HOURS = "21:00-08:00"


def _address_contact(address) -> Contact | None:
    """An e-mail address or a mainland mobile number the event carries."""
    if isinstance(address, str) and re.match(MOBILE_PATTERN, address):
        return Contact(code="addressee", name="报告人", mobile=address, quiet_hours=PUBLIC_QUIET_HOURS)
    try:
        return Contact(code="addressee", name="报告人", email=address)
    except ValueError:
        return None


def routed_contact(settings: NotifyTenantSettings, audience: str | None, code: str | None,
                   address: str) -> Contact | None:
    """The contact a queued message was routed to, again when it is sent: a contact of the
    tenant's, or the addressee an event carried (not in the tenant's contacts, and kept
    under the public's quiet hours)."""
    if audience and audience.startswith("address:"):
        return _address_contact(address)
    return settings.contact(code) if code else None


def staff_in(value) -> list[str]:
    """Staff codes an event names in a field (one, or a list: the people a comment mentions)."""
    values = value if isinstance(value, list) else [value]
    return [v for v in values if isinstance(v, str) and v][:MAX_NAMED]


async def deliver_level(session: AsyncSession, settings: NotifyTenantSettings, rule: Rule,
                        index: int, occurrence: Occurrence, now: datetime) -> int:
    """Record the messages of one level of a rule; returns how many were queued."""
    level = rule.levels[index]
    recipients, unknown = await resolve(session, settings, occurrence, level.to, now)
    if not recipients and level.otherwise:
        recipients, more = await resolve(session, settings, occurrence, level.otherwise, now)
        unknown += more
    common = {"tenant_id": occurrence.tenant_id, "source_event_id": occurrence.event_id,
              "source_event_type": occurrence.event_type, "subject": occurrence.subject,
              "rule": rule.name, "level": index, "urgent": rule.urgent, "template": rule.template}
    template = await templates.current(session, occurrence.tenant_id, rule.template)
    try:
        rendered = await render_pool.render(template.fields, template.text, occurrence.data)
    except rendering.RenderError as exc:
        await repository.record_unsent(session, **common, channel=level.channels[0].value,
                                       recipient=f"rule:{rule.name}", body="", status="failed",
                                       reason=f"template {rule.template!r} v{template.version}: {exc}")
        return 0
    # Fields as [name, value] pairs: JSONB does not keep a dict's key order, and Tencent's
    # template parameters are positional.
    message = {**common, "template_version": template.version,
               "fields": [[name, value] for name, value in rendered.fields.items()],
               "body": rendered.text, "title": f"【{settings.sms.sign_name}】{template.title}"}
    queued = 0
    for recipient in recipients:
        channels = [c for c in level.channels if recipient.contact.address(c)]
        person = {"audience": recipient.audience, "contact": recipient.contact.code,
                  "contact_name": recipient.contact.name}
        if not channels:
            wanted = "/".join(c.value for c in level.channels)
            await repository.record_unsent(session, **message, **person,
                                           channel=level.channels[0].value,
                                           recipient=f"contact:{recipient.contact.code}",
                                           status="suppressed",
                                           reason=f"{recipient.contact.code} has no {wanted} address")
            continue
        first, *rest = channels
        thread = occurrence.data.get("mail") if first == Channel.email else None
        if await repository.add_once(session, **message, **person, channel=first.value,
                                     mail_thread=thread if isinstance(thread, dict) else None,
                                     recipient=recipient.contact.address(first),
                                     fallback=[c.value for c in rest],
                                     segments=_segments(settings, first, rendered.text)):
            queued += 1
    for kind, code in unknown:
        why = {"on_duty": f"on duty, but notify has no contact for {code!r}",
               "address": f"{code!r} is neither an e-mail address nor a mobile number"}.get(
            kind, f"named by the event, but notify has no contact for {code!r}")
        await repository.record_unsent(session, **message, audience=kind, contact=code,
                                       channel=level.channels[0].value, recipient=f"staff:{code}",
                                       status="suppressed", reason=why)
    if not recipients:
        await repository.record_unsent(session, **message, channel=level.channels[0].value,
                                       recipient=f"rule:{rule.name}", status="suppressed",
                                       reason="nobody to notify: " + ", ".join(level.to + level.otherwise)
                                       + " reached no one")
    return queued


def _segments(settings: NotifyTenantSettings, channel: Channel, text: str) -> int | None:
    return rendering.sms_segments(settings.sms.sign_name, text) if channel == Channel.sms else None


async def route(session: AsyncSession, settings: NotifyTenantSettings, occurrence: Occurrence,
                now: datetime | None = None) -> int:
    """Every matching rule's first level now; later levels wait as an escalation."""
    now = now or datetime.now(UTC)
    queued = 0
    for rule in settings.rules:
        if not matches(rule, occurrence):
            continue
        queued += await deliver_level(session, settings, rule, 0, occurrence, now)
        if len(rule.levels) > 1:
            due = now + timedelta(minutes=rule.levels[1].after_minutes)
            added = (await session.execute(pg_insert(Escalation).values(
                tenant_id=occurrence.tenant_id, source_event_id=occurrence.event_id, rule=rule.name,
                subject=occurrence.subject, event_type=occurrence.event_type, data=occurrence.data,
                next_level=1, due_at=due, created_at=now).on_conflict_do_nothing()
                .returning(Escalation.rule))).first()
            if added:
                session.add(EscalationDue(tenant_id=occurrence.tenant_id,
                                          source_event_id=occurrence.event_id, rule=rule.name,
                                          due_at=due))
    return queued
