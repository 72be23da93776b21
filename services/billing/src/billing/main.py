"""Billing app factory (`uvicorn billing.main:create_app --factory`)."""

from fastapi import FastAPI
from opspact.app import ServiceSpec, create_service_app

import billing.models  # noqa: F401  (registers the ORM tables)
import billing.receivables.models  # noqa: F401
import billing.repairs.models  # noqa: F401
from billing import contract_endpoints, date_records, tenant_settings
from billing.config import get_settings
from billing.ledger import endpoints as ledger_endpoints
from billing.ledger.service import HANDLERS
from billing.receivables import endpoints as receivables_endpoints
from billing.repairs import endpoints as repair_endpoints
from billing.statements import endpoints as statement_endpoints
from billing.tables import shared
from billing.watch import watch_worker


def create_app() -> FastAPI:
    settings = get_settings()
    return create_service_app(ServiceSpec(
        settings=settings, tables=shared, title="OpsPact billing",
        description="Contracts, payment milestones, invoices and the liquidated-damages ledger.",
        routers=[contract_endpoints.router, ledger_endpoints.router, receivables_endpoints.router,
                 statement_endpoints.router, repair_endpoints.router],
        handlers={**HANDLERS, **date_records.HANDLERS},
        validate_tenant_settings=tenant_settings.validate,
        extra_workers=[watch_worker(settings)] if settings.watch_enabled else [],
    ))
