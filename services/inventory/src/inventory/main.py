"""Inventory app factory (`uvicorn inventory.main:create_app --factory`)."""

from fastapi import FastAPI
from opspact.app import ServiceSpec, create_service_app

import inventory.assets.models  # noqa: F401  (registers the ORM tables)
import inventory.attendance.models  # noqa: F401
import inventory.credentials.models  # noqa: F401
import inventory.documents.models  # noqa: F401
import inventory.people.models  # noqa: F401
import inventory.trainings.models  # noqa: F401
from inventory import tenant_settings
from inventory.api import routers
from inventory.assets import seed
from inventory.config import get_settings
from inventory.tables import shared
from inventory.watch import watch_worker


def create_app() -> FastAPI:
    settings = get_settings()
    return create_service_app(ServiceSpec(
        settings=settings, tables=shared, title="OpsPact inventory",
        description="Assets and their relations, staff, posts and the duty roster.",
        routers=routers, validate_tenant_settings=tenant_settings.validate,
        on_tenant_configured=seed.register,
        extra_workers=[watch_worker(settings)] if settings.watch_enabled else [],
    ))
