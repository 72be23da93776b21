"""Sends queued notifications: one transaction per message, retried with backoff.

The queue row is locked (SKIP LOCKED) while its message is sent, so several
notify replicas never send the same message at once; a crash after sending and
before commit resends with the same message id, which the provider drops."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

import httpx
from fastapi import FastAPI
from opspact.db import Database, bind_tenant
from sqlalchemy import func

from notify.config import NotifySettings
from notify.notifications import repository
from notify.sms import SinkSms, SmsRejected

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 8


async def send_one(db: Database, sms: SinkSms, client: httpx.AsyncClient) -> bool:
    """Send the next due message; False when nothing is due."""
    async with db.unit_of_work() as session:
        queued = await repository.next_due(session)
        if queued is None:
            return False
        await bind_tenant(session, queued.tenant_id)
        note = await repository.get(session, queued.tenant_id, queued.notification_id)
        if note is None or note.status != "pending":
            await repository.dequeue(session, queued.notification_id)
            return True
        note.attempts += 1
        try:
            note.provider_message_id = await sms.send(client, str(note.id), note.recipient, note.body)
        except SmsRejected as exc:
            note.status, note.last_error = "failed", str(exc)
            await repository.dequeue(session, note.id)
        except httpx.HTTPError as exc:
            note.last_error = f"{type(exc).__name__}: {exc}"[:500]
            if note.attempts >= MAX_ATTEMPTS:
                note.status = "failed"
                await repository.dequeue(session, note.id)
            else:
                queued.not_before = func.now() + timedelta(seconds=min(300, 2 ** note.attempts))
        else:
            note.status, note.sent_at, note.last_error = "sent", func.now(), None
            await repository.dequeue(session, note.id)
    return True


async def run_sender(settings: NotifySettings, db: Database, stopping: asyncio.Event) -> None:
    sms = SinkSms(settings.notify_sms_sink_url, settings.notify_sms_sign_name)
    async with httpx.AsyncClient() as client:
        while not stopping.is_set():
            try:
                while await send_one(db, sms, client):
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
        await run_sender(settings, app.state.db, asyncio.Event())
    return start
