"""Notify app factory (`uvicorn notify.main:create_app --factory`)."""

from fastapi import FastAPI
from opspact.app import ServiceSpec, create_service_app
from opspact.leader import app_worker

from notify import tenant_settings
from notify.config import get_settings
from notify.endpoints import routers
from notify.escalation import EscalationWatch
from notify.notifications.handlers import HANDLERS
from notify.receipts.watch import ReceiptWatch
from notify.tables import shared
from notify.workers.sender import sender_worker


def create_app() -> FastAPI:
    settings = get_settings()
    workers = [sender_worker(settings)]
    if settings.notify_escalation_enabled:
        workers.append(app_worker(
            lambda db: EscalationWatch(db, settings.notify_escalation_tick_seconds), "escalation_watch"))
    if settings.notify_receipts_enabled:
        workers.append(app_worker(lambda db: ReceiptWatch(db, settings), "receipt_watch"))
    return create_service_app(ServiceSpec(
        settings=settings, tables=shared, title="OpsPact notify",
        description="Notifications to people over SMS, email and chat, routed by tenant rules, "
                    "sent once per event and recipient.",
        routers=routers, handlers=HANDLERS, validate_tenant_settings=tenant_settings.validate,
        extra_workers=workers,
    ))
