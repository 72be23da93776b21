"""Ticketing app factory (`uvicorn ticketing.main:create_app --factory`)."""

from fastapi import FastAPI
from opspact.app import ServiceSpec, create_service_app
from opspact.tenancy.term import CONTRACT_DATE_RECORDED, contract_date_handler

import ticketing.archive.models  # noqa: F401  (registers the ORM tables)
import ticketing.attachments.models  # noqa: F401
import ticketing.changes.models  # noqa: F401
import ticketing.comments.models  # noqa: F401
import ticketing.deliverables.models  # noqa: F401
import ticketing.followups.models  # noqa: F401
import ticketing.inspections.models  # noqa: F401
import ticketing.knowledge.models  # noqa: F401
import ticketing.mail.models  # noqa: F401
import ticketing.plans.models  # noqa: F401
import ticketing.roster.models  # noqa: F401
import ticketing.scope.models  # noqa: F401
import ticketing.search.models  # noqa: F401
import ticketing.signoff.models  # noqa: F401
import ticketing.tickets.models  # noqa: F401
import ticketing.worklog.models  # noqa: F401
from ticketing import tenant_settings
from ticketing.api import routers
from ticketing.config import get_settings
from ticketing.inspections.watch import watch_worker
from ticketing.reports import pool
from ticketing.roster.handlers import HANDLERS as ROSTER_HANDLERS
from ticketing.scope.handlers import HANDLERS as SCOPE_HANDLERS
from ticketing.sla.scheduler import scheduler_worker
from ticketing.tables import shared


def create_app() -> FastAPI:
    settings = get_settings()
    pool.configure(settings.report_processes)
    return create_service_app(ServiceSpec(
        settings=settings, tables=shared, title="OpsPact ticketing",
        description="Incidents and their SLA clocks, inspections, changes, the work log, the knowledge "
                    "base and emergency plans.",
        routers=routers, validate_tenant_settings=tenant_settings.validate,
        handlers={**SCOPE_HANDLERS, **ROSTER_HANDLERS,
                  CONTRACT_DATE_RECORDED: contract_date_handler(shared.tenants)},
        extra_workers=[
            *([scheduler_worker(settings)] if settings.sla_scheduler_enabled else []),
            *([watch_worker(settings)] if settings.inspection_watch_enabled else []),
        ],
    ))
