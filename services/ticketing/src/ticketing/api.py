"""Ticketing's HTTP surface."""

from ticketing.hooks.endpoints import router as hooks_router
from ticketing.inspections.endpoints import router as inspections_router
from ticketing.tickets.endpoints import router as tickets_router

routers = [tickets_router, hooks_router, inspections_router]
