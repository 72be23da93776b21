"""Sends queued notifications: one transaction per message.

The queue row is locked (SKIP LOCKED) while its message is sent, so several notify
replicas never send the same message at once. Before sending: quiet hours (defer),
frequency limits and the SMS quota (suppress), unless the rule is urgent. Then the
tenant's providers in order: one that is down or refuses our account is passed over for
the next at once; a refusal of the message itself (bad number, unapproved template) fails
it and falls back to the recipient's next channel; throttling waits; a timeout is never
blindly retried — the provider is asked whether it got the message first."""

from __future__ import annotations

import asyncio
import logging
import random
from datetime import UTC, datetime, timedelta

import httpx
from fastapi import FastAPI
from opspact.calendar import SHANGHAI
from opspact.db import Database, bind_tenant
from sqlalchemy.ext.asyncio import AsyncSession

from notify import policy, quota, tenant_settings
from notify.channels import registry
from notify.channels.base import Message, OutcomeUnknown, Refused, Sent, Throttled, Unavailable
from notify.config import NotifySettings
from notify.notifications import repository
from notify.notifications.fallback import fail_over
from notify.notifications.models import Notification
from notify.tenant_settings import Channel, NotifyTenantSettings

log = logging.getLogger(__name__)
UNKNOWN_RECHECK = timedelta(seconds=30)


def backoff(attempts: int) -> timedelta:
    """Exponential with full jitter, capped at 5 minutes."""
    return timedelta(seconds=random.uniform(0.5, 1.0) * min(300, 2 ** attempts))


class Sender:
    def __init__(self, settings: NotifySettings, db: Database,
                 channels: registry.Channels | None = None) -> None:
        self.settings = settings
        self.db = db
        self.channels = channels or registry.build(settings)
        self.sent = 0

    async def send_one(self, client: httpx.AsyncClient) -> bool:
        """Handle the next due message; False when nothing is due."""
        async with self.db.unit_of_work() as session:
            queued = await repository.next_due(session)
            if queued is None:
                return False
            await bind_tenant(session, queued.tenant_id)
            note = await repository.get(session, queued.tenant_id, queued.notification_id, for_update=True)
            if note is None or note.status != "queued":
                await repository.dequeue(session, queued.notification_id)
                return True
            config, tenant = await tenant_settings.load(session, note.tenant_id)
            await self._deliver(session, client, note, tenant, config, datetime.now(UTC))
        return True

    async def _deliver(self, session: AsyncSession, client: httpx.AsyncClient, note: Notification,
                       tenant: NotifyTenantSettings, config: dict, now: datetime) -> None:
        contact = tenant.contact(note.contact) if note.contact else None
        if not note.urgent:
            until = policy.quiet_until(contact.quiet() if contact else None, now)
            if until is not None:
                note.deferred_until = until
                await repository.queue(session, note.tenant_id, note.id, until)
                return
            counts = await repository.sent_lately(session, note.tenant_id, note.channel,
                                                  note.recipient, now)
            reason = policy.over_frequency(tenant.frequency, *counts)
            if reason:
                await self._give_up(session, note, "suppressed", reason)
                return
        usage = None
        if note.channel == Channel.sms.value:
            start = quota.year_start(config, now.astimezone(SHANGHAI).date())
            usage = await quota.usage(session, note.tenant_id, start)
            reason = policy.quota_blocks(tenant.sms.after_quota, usage.segments,
                                         tenant.sms.quota_per_year, note.urgent)
            if reason:
                await self._give_up(session, note, "suppressed", reason)
                return
        note.attempts += 1
        adapters = self._adapters(note, tenant)
        if not adapters:
            await self._fail(session, note, tenant, f"no {note.channel} channel is configured "
                             "on this notify (see OPSPACT_NOTIFY_* settings)")
            return
        if note.outcome_unknown_since is not None and await self._settle_unknown(
                session, client, note, tenant, adapters, usage, now):
            return
        errors = []
        for adapter in adapters:
            message = self._message(note, tenant, adapter.name)
            try:
                sent = await adapter.send(client, message)
            except Unavailable as exc:
                errors.append(str(exc))
                continue
            except OutcomeUnknown as exc:
                note.outcome_unknown_since, note.provider = now, adapter.name
                note.last_error = f"{exc}; asking the provider before sending again"
                await repository.queue(session, note.tenant_id, note.id, now + UNKNOWN_RECHECK)
                return
            except Throttled as exc:
                note.last_error, note.provider = str(exc), adapter.name
                await repository.queue(session, note.tenant_id, note.id,
                                       now + timedelta(seconds=exc.retry_after * random.uniform(1, 1.2)))
                return
            except Refused as exc:
                note.provider = adapter.name
                await self._fail(session, note, tenant, str(exc))
                return
            await self._mark_sent(session, note, tenant, sent, usage, now)
            return
        note.last_error = "; ".join(errors)[:1000]
        if note.attempts >= self.settings.notify_max_attempts:
            await self._fail(session, note, tenant, f"gave up after {note.attempts} attempts: "
                             f"{note.last_error}")
        else:
            await repository.queue(session, note.tenant_id, note.id, now + backoff(note.attempts))

    async def _settle_unknown(self, session, client, note: Notification, tenant, adapters, usage,
                              now: datetime) -> bool:
        """True when the earlier, unanswered send is settled (found, or still being waited on)."""
        adapter = next((a for a in adapters if a.name == note.provider), None)
        if adapter is not None:
            try:
                found = await adapter.find(client, self._message(note, tenant, adapter.name),
                                           note.outcome_unknown_since)
            except Unavailable as exc:
                note.last_error = f"could not ask {adapter.name} about the earlier send: {exc}"
                await repository.queue(session, note.tenant_id, note.id, now + UNKNOWN_RECHECK)
                return True
            if found is not None:
                await self._mark_sent(session, note, tenant, found.sent(), usage, now)
                return True
        waited = (now - note.outcome_unknown_since).total_seconds()
        if waited < self.settings.notify_unknown_outcome_seconds:
            await repository.queue(session, note.tenant_id, note.id, now + UNKNOWN_RECHECK)
            return True
        # Not there after the whole window: the provider never took it. Send again.
        note.outcome_unknown_since = None
        return False

    def _adapters(self, note: Notification, tenant: NotifyTenantSettings) -> list:
        if note.channel == Channel.sms.value:
            return [self.channels.sms[p.value] for p in tenant.sms.providers if p.value in self.channels.sms]
        if note.channel == Channel.email.value:
            return [self.channels.email] if self.channels.email else []
        robot = self.channels.robots.get(note.recipient)
        return [robot] if robot else []

    def _message(self, note: Notification, tenant: NotifyTenantSettings, provider: str) -> Message:
        codes = {p.value: names for p, names in tenant.sms.provider_templates.items()}
        return Message(id=str(note.id), recipient=note.recipient, text=note.body,
                       subject=note.title or "", template=note.template, fields=dict(note.fields or []),
                       sign_name=tenant.sms.sign_name,
                       provider_template=codes.get(provider, {}).get(note.template or ""))

    async def _mark_sent(self, session, note: Notification, tenant: NotifyTenantSettings, sent: Sent,
                         usage, now: datetime) -> None:
        note.status, note.sent_at, note.last_error = "sent", now, None
        note.provider, note.provider_message_id = sent.provider, sent.provider_message_id
        note.outcome_unknown_since = None
        await repository.dequeue(session, note.id)
        if usage is not None:
            await quota.count(session, usage, note.segments or 1, tenant.sms.quota_per_year, now)
        self.sent += 1

    async def _give_up(self, session, note: Notification, status: str, reason: str) -> None:
        note.status, note.reason = status, reason
        await repository.dequeue(session, note.id)

    async def _fail(self, session, note: Notification, tenant: NotifyTenantSettings, reason: str) -> None:
        """Failed for good on this channel: the next channel the recipient has, if any."""
        await fail_over(session, note, tenant, reason)


async def run_sender(settings: NotifySettings, db: Database, stopping: asyncio.Event,
                     sender: Sender | None = None) -> None:
    sender = sender or Sender(settings, db)
    async with httpx.AsyncClient() as client:
        while not stopping.is_set():
            try:
                while not stopping.is_set() and await sender.send_one(client):
                    pass
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("notification sender failed; retrying")
            try:
                await asyncio.wait_for(stopping.wait(), settings.notify_sender_poll_seconds)
            except TimeoutError:
                pass


def sender_worker(settings: NotifySettings):
    """The sender as an in-process worker of the API app (cancelled at shutdown)."""
    async def start(app: FastAPI) -> None:
        app.state.sender = Sender(settings, app.state.db)
        await run_sender(settings, app.state.db, asyncio.Event(), app.state.sender)
    return start
