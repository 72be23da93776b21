"""Sends queued notifications, a batch per transaction.

The batch's queue rows are locked (SKIP LOCKED) while its messages are sent, so several
notify replicas never send the same message at once. Each batch goes in three steps, per
tenant: *prepare* (database only: quiet hours defer, frequency limits and the SMS quota
suppress unless the rule is urgent — counting the batch's own messages too), *send*
(provider calls only, concurrently: the database session is not touched), *conclude*
(database only: record what each provider answered). A provider that is down or refuses
our account is passed over for the next at once; a refusal of the message itself (bad
number, unapproved template) fails it and falls back to the recipient's next channel;
throttling waits; a timeout is never blindly retried — the provider is asked whether it
got the message first."""

from __future__ import annotations

import asyncio
import logging
import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from uuid import UUID

from fastapi import FastAPI
from opspact import metrics
from opspact.calendar import SHANGHAI
from opspact.db import Database, bind_tenant
from sqlalchemy.ext.asyncio import AsyncSession

from notify import policy, quota, routing, tenant_settings
from notify.channels import registry
from notify.channels.base import Message, OutcomeUnknown, Refused, Sent, Throttled, Unavailable
from notify.channels.http import ProviderClient
from notify.config import NotifySettings
from notify.notifications import repository
from notify.notifications.fallback import fail_over
from notify.notifications.models import Notification, QuotaUsage
from notify.tenant_settings import Channel, NotifyTenantSettings

log = logging.getLogger(__name__)
UNKNOWN_RECHECK = timedelta(seconds=30)


def backoff(attempts: int) -> timedelta:
    """Exponential with full jitter, capped at 5 minutes."""
    return timedelta(seconds=random.uniform(0.5, 1.0) * min(300, 2 ** attempts))


@dataclass
class Recheck:
    """Ask the provider again later about an earlier, unanswered send."""
    error: str | None = None


@dataclass
class Attempt:
    note: Notification
    adapters: list
    usage: QuotaUsage | None
    result: Sent | Recheck | Exception | None = None
    provider: str | None = None  # the provider whose answer `result` is
    resend: bool = False  # an unanswered send was not found in the whole window: sent again
    errors: list[str] = field(default_factory=list)


@dataclass
class Tally:
    """What this batch is about to send, for limits counted before anything is sent."""
    recipients: Counter = field(default_factory=Counter)
    usage: dict = field(default_factory=dict)  # contract year start → locked QuotaUsage
    segments: int = 0


class Sender:
    def __init__(self, settings: NotifySettings, db: Database,
                 channels: registry.Channels | None = None) -> None:
        self.settings = settings
        self.db = db
        self.channels = channels or registry.build(settings)
        self.calls = asyncio.Semaphore(settings.notify_sender_concurrency)
        self.sent = 0

    async def send_batch(self, client: ProviderClient) -> int:
        """Handle the due messages, up to a batch; how many were due (0: none)."""
        async with self.db.unit_of_work() as session:
            due = await repository.next_due(session, self.settings.notify_sender_batch)
            by_tenant: dict[str, list[UUID]] = {}
            for row in due:
                by_tenant.setdefault(row.tenant_id, []).append(row.notification_id)
            for tenant_id, ids in by_tenant.items():
                await bind_tenant(session, tenant_id)
                await self._send_for(session, client, tenant_id, ids)
                await session.flush()  # under this tenant's binding, before the next one's
            return len(due)

    async def _send_for(self, session: AsyncSession, client: ProviderClient, tenant_id: str,
                        ids: list[UUID]) -> None:
        notes = await repository.get_many(session, tenant_id, ids)
        # Off the queue in one statement; whatever must wait is queued again below.
        await repository.dequeue(session, *ids)
        notes = [n for n in notes if n.status == "queued"]
        if not notes:
            return
        config, tenant = await tenant_settings.load(session, tenant_id)
        now, tally = datetime.now(UTC), Tally()
        attempts = [a for a in [await self._prepare(session, n, tenant, config, now, tally)
                                for n in notes] if a is not None]
        await asyncio.gather(*(self._send(client, a, tenant, now) for a in attempts))
        for attempt in attempts:
            await self._conclude(session, attempt, tenant, now)

    async def _prepare(self, session: AsyncSession, note: Notification, tenant: NotifyTenantSettings,
                       config: dict, now: datetime, tally: Tally) -> Attempt | None:
        """Checks before sending; None when the message waits, is suppressed or failed."""
        contact = routing.routed_contact(tenant, note.audience, note.contact, note.recipient)
        key = (note.channel, note.recipient)
        if not note.urgent:
            until = policy.quiet_until(contact.quiet() if contact else None, now)
            if until is not None:
                note.deferred_until = until
                await repository.queue(session, note.tenant_id, note.id, until)
                return None
            lately = await repository.sent_lately(session, note.tenant_id, note.channel,
                                                  note.recipient, now)
            reason = policy.over_frequency(tenant.frequency, *(n + tally.recipients[key] for n in lately))
            if reason:
                note.status, note.reason = "suppressed", reason
                return None
        usage = None
        if note.channel == Channel.sms.value:
            start = quota.year_start(config, now.astimezone(SHANGHAI).date())
            if start not in tally.usage:
                tally.usage[start] = await quota.usage(session, note.tenant_id, start)
            usage = tally.usage[start]
            reason = policy.quota_blocks(tenant.sms.after_quota, usage.segments + tally.segments,
                                         tenant.sms.quota_per_year, note.urgent)
            if reason:
                note.status, note.reason = "suppressed", reason
                return None
        note.attempts += 1
        adapters = self._adapters(note, tenant)
        if not adapters:
            await fail_over(session, note, tenant, f"no {note.channel} channel is configured "
                            "on this notify (see OPSPACT_NOTIFY_* settings)")
            return None
        tally.recipients[key] += 1
        if usage is not None:
            tally.segments += note.segments or 1
        return Attempt(note, adapters, usage)

    async def _send(self, client: ProviderClient, attempt: Attempt, tenant: NotifyTenantSettings,
                    now: datetime) -> None:
        """Provider calls only: what they answered goes into `attempt`."""
        note = attempt.note
        async with self.calls:
            if note.outcome_unknown_since is not None and await self._settle_unknown(
                    client, attempt, tenant, now):
                return
            for adapter in attempt.adapters:
                try:
                    attempt.result = await adapter.send(client, self._message(note, tenant, adapter.name))
                except Unavailable as exc:
                    attempt.errors.append(str(exc))
                    continue
                except (OutcomeUnknown, Throttled, Refused) as exc:
                    attempt.result = exc
                except Exception as exc:  # noqa: BLE001 — whatever broke, the provider may have it
                    log.exception("%s send of %s failed unexpectedly", adapter.name, note.id)
                    attempt.result = OutcomeUnknown(f"{adapter.name}: {type(exc).__name__}: {exc}")
                attempt.provider = adapter.name
                return

    async def _settle_unknown(self, client: ProviderClient, attempt: Attempt,
                              tenant: NotifyTenantSettings, now: datetime) -> bool:
        """True when the earlier, unanswered send is settled (found, or still waited on)."""
        note = attempt.note
        adapter = next((a for a in attempt.adapters if a.name == note.provider), None)
        if adapter is not None:
            try:
                found = await adapter.find(client, self._message(note, tenant, adapter.name),
                                           note.outcome_unknown_since)
            except (Unavailable, OutcomeUnknown) as exc:  # a question unanswered: ask again later
                attempt.result = Recheck(f"could not ask {adapter.name} about the earlier send: {exc}")
                return True
            if found is not None:
                attempt.result, attempt.provider = found.sent(), adapter.name
                return True
        if (now - note.outcome_unknown_since).total_seconds() < self.settings.notify_unknown_outcome_seconds:
            attempt.result = Recheck()
            return True
        # Not there after the whole window: the provider never took it. Send again.
        attempt.resend = True
        return False

    async def _conclude(self, session: AsyncSession, attempt: Attempt, tenant: NotifyTenantSettings,
                        now: datetime) -> None:
        note, result = attempt.note, attempt.result
        if attempt.resend:
            note.outcome_unknown_since = None
        if isinstance(result, Sent):
            await self._mark_sent(session, note, tenant, result, attempt.usage, now)
        elif isinstance(result, Recheck):
            note.last_error = result.error or note.last_error
            await repository.queue(session, note.tenant_id, note.id, now + UNKNOWN_RECHECK)
        elif isinstance(result, OutcomeUnknown):
            note.outcome_unknown_since, note.provider = now, attempt.provider
            note.last_error = f"{result}; asking the provider before sending again"
            await repository.queue(session, note.tenant_id, note.id, now + UNKNOWN_RECHECK)
        elif isinstance(result, Throttled):
            note.last_error, note.provider = str(result), attempt.provider
            await repository.queue(session, note.tenant_id, note.id,
                                   now + timedelta(seconds=result.retry_after * random.uniform(1, 1.2)))
        elif isinstance(result, Refused):
            note.provider = attempt.provider
            await fail_over(session, note, tenant, str(result))
        else:  # every provider unavailable
            note.last_error = "; ".join(attempt.errors)[:1000]
            if note.attempts >= self.settings.notify_max_attempts:
                await fail_over(session, note, tenant, f"gave up after {note.attempts} attempts: "
                                f"{note.last_error}")
            else:
                await repository.queue(session, note.tenant_id, note.id, now + backoff(note.attempts))

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
                       provider_template=codes.get(provider, {}).get(note.template or ""),
                       thread=note.mail_thread)

    async def _mark_sent(self, session, note: Notification, tenant: NotifyTenantSettings, sent: Sent,
                         usage, now: datetime) -> None:
        note.status, note.sent_at, note.last_error = "sent", now, None
        note.provider, note.provider_message_id = sent.provider, sent.provider_message_id
        note.outcome_unknown_since = None
        metrics.count_message(note, "sent")
        if usage is not None:
            await quota.count(session, usage, note.segments or 1, tenant.sms.quota_per_year, now)
        self.sent += 1


async def run_sender(settings: NotifySettings, db: Database, stopping: asyncio.Event,
                     sender: Sender | None = None) -> None:
    sender = sender or Sender(settings, db)
    async with ProviderClient(max_connections=settings.notify_sender_concurrency * 2) as client:
        while not stopping.is_set():
            try:
                while not stopping.is_set() and await sender.send_batch(client):
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
