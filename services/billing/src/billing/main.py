"""Billing app factory (`uvicorn billing.main:create_app --factory`)."""

from fastapi import FastAPI
from opspact.app import ServiceSpec, create_service_app

from billing import tenant_settings
from billing.config import get_settings
from billing.tables import shared


def create_app() -> FastAPI:
    return create_service_app(ServiceSpec(
        settings=get_settings(), tables=shared, title="OpsPact billing",
        description="Contracts, payment milestones, invoices and the liquidated-damages ledger.",
        routers=[], validate_tenant_settings=tenant_settings.validate,
    ))
