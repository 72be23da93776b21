"""Notify app factory (`uvicorn notify.main:create_app --factory`)."""

from fastapi import FastAPI
from opspact.app import ServiceSpec, create_service_app

from notify import tenant_settings
from notify.config import get_settings
from notify.notifications.endpoints import router
from notify.notifications.handlers import HANDLERS
from notify.tables import shared
from notify.workers.sender import sender_worker


def create_app() -> FastAPI:
    settings = get_settings()
    return create_service_app(ServiceSpec(
        settings=settings, tables=shared, title="OpsPact notify",
        description="Notifications to people over SMS and other channels, sent once per event.",
        routers=[router], handlers=HANDLERS, validate_tenant_settings=tenant_settings.validate,
        extra_workers=[sender_worker(settings)],
    ))
