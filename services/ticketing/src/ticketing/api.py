"""Ticketing's HTTP surface."""

from ticketing.archive.endpoints import router as archive_router
from ticketing.attachments.endpoints import router as attachments_router
from ticketing.changes.endpoints import router as changes_router
from ticketing.comments.endpoints import router as comments_router
from ticketing.deliverables.endpoints import router as deliverables_router
from ticketing.effort.endpoints import router as effort_router
from ticketing.followups.endpoints import router as followups_router
from ticketing.hooks.endpoints import router as hooks_router
from ticketing.inspections.endpoints import router as inspections_router
from ticketing.knowledge.endpoints import router as knowledge_router
from ticketing.plans.endpoints import router as plans_router
from ticketing.reports.endpoints import router as reports_router
from ticketing.reports.forms_endpoints import router as forms_router
from ticketing.terms.endpoints import router as terms_router
from ticketing.tickets.endpoints import router as tickets_router
from ticketing.worklog.endpoints import router as worklog_router

routers = [tickets_router, hooks_router, inspections_router, changes_router, worklog_router,
           knowledge_router, plans_router, reports_router, forms_router, archive_router,
           effort_router, terms_router, comments_router, attachments_router, deliverables_router,
           followups_router]
