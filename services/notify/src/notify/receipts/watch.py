"""The receipt watch (one replica leads): reports that came before their message are
tried again, and sent messages a provider has not reported on after
`notify_receipt_wait_seconds` are looked up at the provider (reconciliation) — pushes get
lost, and a provider's push gives up after three tries."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from opspact.db import Database
from opspact.db.bootstrap import app_role
from opspact.leader import LeaderLoop, tenant_ids
from sqlalchemy import or_, select

from notify import tenant_settings
from notify.channels import registry
from notify.channels.base import Message, OutcomeUnknown, Unavailable
from notify.channels.http import ProviderClient
from notify.config import NotifySettings
from notify.notifications.models import Notification
from notify.receipts import service
from notify.tables import shared

log = logging.getLogger(__name__)
WATCH_ROLE = app_role("notify") + "_watch"
BATCH = 200
# Alibaba keeps send details 30 days, Tencent's status pull looks back 7: ask within 3.
LOOK_BACK = timedelta(days=3)
RECHECK = timedelta(minutes=30)


class ReceiptWatch(LeaderLoop):
    def __init__(self, db: Database, settings: NotifySettings,
                 channels: registry.Channels | None = None) -> None:
        super().__init__(db, settings.notify_receipt_tick_seconds, "watch:notify-receipts")
        self.wait = timedelta(seconds=settings.notify_receipt_wait_seconds)
        self.channels = channels or registry.build(settings)
        self.reconciled = 0

    async def tick(self) -> int:
        done = 0
        async with ProviderClient() as client:
            for tenant_id in await tenant_ids(self.db, WATCH_ROLE, shared.tenants):
                await self.retry_pending(tenant_id)
                done += await self.reconcile(client, tenant_id)
        self.reconciled += done
        return done

    async def retry_pending(self, tenant_id: str) -> None:
        async with self.db.unit_of_work(tenant_id) as session:
            waiting = await service.pending(session, tenant_id, BATCH)
            await service.apply_all(session, tenant_id, waiting, datetime.now(UTC), service.Outcome())

    def _reporting(self) -> list[str]:
        """Providers with an operator behind them (the local sink reports nothing)."""
        return [name for name, adapter in self.channels.sms.items() if getattr(adapter, "reports", False)]

    async def reconcile(self, client: ProviderClient, tenant_id: str) -> int:
        now = datetime.now(UTC)
        async with self.db.unit_of_work(tenant_id) as session:
            ids = list((await session.execute(select(Notification.id).where(
                Notification.tenant_id == tenant_id, Notification.status == "sent",
                Notification.provider.in_(self._reporting()),
                Notification.sent_at < now - self.wait, Notification.sent_at > now - LOOK_BACK,
                or_(Notification.receipt_checked_at.is_(None),
                    Notification.receipt_checked_at < now - RECHECK))
                .order_by(Notification.sent_at).limit(BATCH))).scalars())
        settled = 0
        for notification_id in ids:
            try:
                settled += await self._ask(client, tenant_id, notification_id, now)
            except (Unavailable, OutcomeUnknown) as exc:  # a question unanswered: ask next tick
                log.warning("reconciliation of %s paused: %s", tenant_id, exc)
                break
        return settled

    async def _ask(self, client: ProviderClient, tenant_id: str, notification_id, now) -> bool:
        async with self.db.unit_of_work(tenant_id) as session:
            note = (await session.execute(select(Notification).where(
                Notification.tenant_id == tenant_id, Notification.id == notification_id,
                Notification.status == "sent").with_for_update(skip_locked=True))).scalar_one_or_none()
            if note is None:
                return False
            note.receipt_checked_at = now
            adapter = self.channels.sms[note.provider]
            report = await adapter.find(client, Message(id=str(note.id), recipient=note.recipient,
                                                        text=note.body, subject=""), note.sent_at)
            if report is None or report.delivered is None:
                return False
            tenant = (await tenant_settings.load(session, tenant_id))[1]
            state, _ = await service.settle(session, tenant, note, report.delivered, report.code,
                                            report.description, report.reported_at, now)
            return state == "applied"
