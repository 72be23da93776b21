"""What a delivery report does to the message it is about.

A report is matched by the provider's message id (Alibaba's BizId, Tencent's SerialNo) or,
for Alibaba, by the OutId we gave (our notification id). Delivered is final: it stands
whatever came before it, and a failure reported after it is kept but changes nothing
(reports arrive out of order). A failure of a sent message fails it and sends the same
message on the recipient's next channel. A report that matches nothing yet — it came
before our send's answer was stored, or the send's outcome is still being settled — waits
(`pending`) and is tried again by the receipt watch; after a day it is `unmatched`."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from opspact import metrics
from sqlalchemy import and_, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from notify import tenant_settings
from notify.notifications.fallback import fail_over
from notify.notifications.models import Notification
from notify.receipts.models import DeliveryReceipt

UNMATCHED_AFTER = timedelta(days=1)


@dataclass
class Outcome:
    recorded: int = 0
    duplicates: int = 0
    applied: int = 0
    pending: int = 0
    ignored: int = 0


async def record(session: AsyncSession, tenant_id: str, rows: list[dict], now: datetime) -> Outcome:
    """Keep each new report and apply it; a report seen before is a duplicate."""
    outcome = Outcome()
    if not rows:
        return outcome
    # One batch may repeat a report: the unique key keeps the first.
    inserted = (await session.execute(
        pg_insert(DeliveryReceipt).values([{**row, "tenant_id": tenant_id} for row in rows])
        .on_conflict_do_nothing().returning(DeliveryReceipt.id))).scalars().all()
    outcome.recorded, outcome.duplicates = len(inserted), len(rows) - len(inserted)
    receipts = (await session.execute(select(DeliveryReceipt).where(
        DeliveryReceipt.id.in_(inserted)).order_by(DeliveryReceipt.id))).scalars()
    await apply_all(session, tenant_id, list(receipts), now, outcome)
    return outcome


async def apply_all(session: AsyncSession, tenant_id: str, receipts: list[DeliveryReceipt],
                    now: datetime, outcome: Outcome) -> None:
    loaded = None
    for receipt in receipts:
        note = await _message_of(session, tenant_id, receipt)
        if note is None:
            receipt.state = "pending"
            if now - receipt.received_at > UNMATCHED_AFTER:
                receipt.state, receipt.note = "unmatched", "no message of ours has this id"
            outcome.pending += receipt.state == "pending"
            continue
        if loaded is None and not receipt.delivered:
            loaded = (await tenant_settings.load(session, tenant_id))[1]
        state, why = await settle(session, loaded, note, receipt.delivered, receipt.code,
                                  receipt.description or "", receipt.reported_at, now)
        receipt.state, receipt.note, receipt.notification_id = state, why, note.id
        setattr(outcome, state, getattr(outcome, state) + 1)


async def settle(session: AsyncSession, tenant, note: Notification, delivered: bool, code: str,
                 description: str, reported_at: datetime | None, now: datetime) -> tuple[str, str | None]:
    """Apply one report to its message: (state of the report, why when not applied)."""
    if note.status in ("queued", "suppressed"):
        return "pending", f"the message is {note.status}; its send is not settled yet"
    if delivered:
        if note.status == "delivered":
            return "ignored", "already delivered"
        note.status, note.delivered_at = "delivered", reported_at or now
        metrics.count_message(note, "delivered")
        return "applied", None
    if note.status != "sent":
        return "ignored", f"the message is already {note.status}"
    await fail_over(session, note, tenant, f"not delivered ({code}): {description}".rstrip(": "))
    return "applied", None


async def _message_of(session: AsyncSession, tenant_id: str,
                      receipt: DeliveryReceipt) -> Notification | None:
    by_id = and_(Notification.provider == receipt.provider,
                 Notification.provider_message_id == receipt.provider_message_id)
    out_id = _uuid(receipt.out_id)
    match = or_(by_id, and_(Notification.id == out_id, Notification.provider == receipt.provider)) \
        if out_id else by_id
    return (await session.execute(select(Notification).where(
        Notification.tenant_id == tenant_id, match).limit(1).with_for_update())).scalar_one_or_none()


def _uuid(text: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(text) if text else None
    except ValueError:
        return None


async def pending(session: AsyncSession, tenant_id: str, limit: int) -> list[DeliveryReceipt]:
    """The reports still waiting, those about a message of ours first (it was not settled
    when they came): reports matching nothing — junk, or another system's — wait a day to
    be marked unmatched, and must not starve a real one behind them in the meantime."""
    return list((await session.execute(select(DeliveryReceipt).where(
        DeliveryReceipt.tenant_id == tenant_id, DeliveryReceipt.state == "pending")
        .order_by(DeliveryReceipt.notification_id.is_(None), DeliveryReceipt.id)
        .limit(limit).with_for_update(skip_locked=True))).scalars())
