"""The service app factory: every service is this plus its own routers and handlers."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from sqlalchemy import MetaData, Table
from sqlalchemy.ext.asyncio import AsyncSession

from opspact import logs, metrics, telemetry
from opspact.auth import Principal, load_pem, verify_internal
from opspact.db import Database
from opspact.deadletters import dead_letter_router, dead_letters_table
from opspact.errors import Forbidden, Unauthorized, Unprocessable, install_problem_handlers
from opspact.http import BodyGuard, TraceContext
from opspact.inbox import Handler, InboxConsumer, inbox_table
from opspact.outbox import OutboxRelay, outbox_table
from opspact.settings import ServiceSettings
from opspact.tenancy.registry import tenant_router, tenants_table

log = logging.getLogger(__name__)

PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"description": "Bad request"}, 401: {"description": "No or invalid internal token"},
    403: {"description": "Forbidden"}, 404: {"description": "Not found"},
    409: {"description": "Conflict"}, 413: {"description": "Body too large"},
    415: {"description": "Unsupported media type"}, 422: {"description": "Invalid input"},
}


@dataclass
class ServiceTables:
    metadata: MetaData
    outbox: Table = field(init=False)
    inbox: Table = field(init=False)
    dead_letters: Table = field(init=False)
    tenants: Table = field(init=False)

    def __post_init__(self) -> None:
        self.outbox = outbox_table(self.metadata)
        self.inbox = inbox_table(self.metadata)
        self.dead_letters = dead_letters_table(self.metadata)
        self.tenants = tenants_table(self.metadata)


async def current_principal(request: Request) -> Principal:
    """The caller, from the gateway's internal token (audience = this service).

    `async` although nothing here waits: FastAPI runs a plain `def` dependency in its thread
    pool, and the hand-over to a thread and back cost more than the Ed25519 check itself
    (py-spy, issue 27)."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise Unauthorized("services accept only the gateway's internal token")
    public_pem = request.app.state.internal_public_pem
    if not public_pem:
        raise Unauthorized("this service has no internal public key configured")
    principal = verify_internal(public_pem, token, audience=request.app.state.settings.service_name)
    if principal.actor and request.method not in ("GET", "HEAD"):
        raise Forbidden(f"a token delegated to {principal.actor} may only read")
    return principal


async def current_session(request: Request,
                          principal: Principal = Depends(current_principal)
                          ) -> AsyncIterator[AsyncSession]:
    """The request's unit of work: bound to the caller's tenant and committed here,
    and only here, when the endpoint returns without error."""
    db: Database = request.app.state.db
    logs.TENANT.set(principal.tenant)
    async with db.unit_of_work(principal.tenant) as session:
        yield session


# The request's session as endpoints take it. Function scope: the unit of work commits
# before the answer is sent. FastAPI's default runs a yield dependency's exit *after* the
# response, so a client could read its own 2xx write back unchanged (notify's receipt test
# did), and a failed commit would follow an answer that said it worked.
SESSION = Depends(current_session, scope="function")


def _query_names(dependant) -> frozenset[str]:
    names = {p.alias for p in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _query_names(sub)
    return frozenset(names)


async def refuse_unknown_query(request: Request) -> None:
    """A query parameter no route takes is a 422 naming it: `?statuss=open` silently listing
    every ticket is a wrong answer that looks right. (`async` for the reason
    `current_principal` is.)"""
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    if dependant is None or not request.scope.get("query_string"):
        return
    allowed = getattr(route, "opspact_query_names", None)
    if allowed is None:  # worked out once per route, kept on it
        allowed = route.opspact_query_names = _query_names(dependant)
    unknown = sorted({k for k in request.query_params if k not in allowed})
    if unknown:
        shown = ", ".join(repr(k[:40]) for k in unknown[:5])
        raise Unprocessable(f"unknown query parameter(s) {shown}; this route takes "
                            f"{', '.join(sorted(allowed)) or 'none'}",
                            errors=[{"field": f"query.{k[:40]}", "message": "unknown parameter"}
                                    for k in unknown[:5]])


@dataclass
class ServiceSpec:
    settings: ServiceSettings
    tables: ServiceTables
    title: str
    description: str
    routers: list[APIRouter]
    handlers: dict[str, Handler] = field(default_factory=dict)
    validate_tenant_settings: Callable[[dict[str, Any], dict[str, Any]], dict[str, Any]] = \
        lambda settings, document: settings
    extra_workers: list[Callable[[FastAPI], Any]] = field(default_factory=list)
    # Runs when a tenant's slice changes, in the apply's transaction (see tenant_router).
    on_tenant_configured: Callable | None = None


def create_service_app(spec: ServiceSpec) -> FastAPI:
    settings = spec.settings
    logs.configure(settings.service_name, settings.log_format, settings.log_level)
    telemetry.setup(settings.service_name, settings.otel_exporter)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        db = Database(settings.app_database_url, settings.db_pool_size)
        app.state.db = db
        metrics.serve(settings.metrics_port, settings.metrics_host)
        app.state.relay = None
        app.state.consumer = None
        tasks = []
        if settings.relay_enabled:
            app.state.relay = OutboxRelay.for_service(settings)
            tasks.append(asyncio.create_task(app.state.relay.run(), name="outbox-relay"))
        if settings.consumer_enabled and spec.handlers:
            app.state.consumer = InboxConsumer.for_service(db, spec.tables, settings, spec.handlers)
            tasks.append(asyncio.create_task(app.state.consumer.run(), name="inbox-consumer"))
        for worker in spec.extra_workers:
            tasks.append(asyncio.create_task(worker(app)))
        try:
            yield
        finally:
            for worker in (app.state.relay, app.state.consumer):
                if worker is not None:
                    worker.stop()
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await db.dispose()

    # A service's own API description is for its developers: outside dev it is not served
    # (the gateway's OpenAPI document is the public one).
    docs = {} if settings.is_dev else {"docs_url": None, "redoc_url": None, "openapi_url": None}
    app = FastAPI(title=spec.title, description=spec.description, version="0.1.0", **docs,
                  dependencies=[Depends(refuse_unknown_query)],
                  lifespan=lifespan, responses=PROBLEM_RESPONSES, telemetry=telemetry.FASTAPI_TELEMETRY,
                  generate_unique_id_function=handler_name)
    app.state.settings = settings
    install_problem_handlers(app)
    app.add_middleware(BodyGuard)
    app.add_middleware(TraceContext, name=settings.service_name)
    app.add_middleware(metrics.HttpMetrics, service=settings.service_name)

    app.state.internal_public_pem = (load_pem(settings.internal_public_key)
                                     if settings.internal_public_key else "")

    app.include_router(health_router())
    app.include_router(tenant_router(settings.service_name, spec.tables.tenants,
                                     spec.tables.outbox, current_principal, current_session,
                                     spec.validate_tenant_settings, spec.on_tenant_configured))
    if spec.handlers:
        app.include_router(dead_letter_router(spec.tables, spec.handlers, current_principal,
                                              SESSION))
    for router in spec.routers:
        app.include_router(router)
    return app


def handler_name(route: APIRoute) -> str:
    """A route's operationId: its handler's name (unique within a service; FastAPI's
    default appends the path and method, and the product document prefixes the service)."""
    return route.name


def health_router() -> APIRouter:
    router = APIRouter(tags=["health"])

    @router.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/readyz", responses={503: {"description": "Database unreachable"}})
    async def readyz(request: Request):
        # Ready means the database answers. The broker is reported, not required:
        # intake must keep accepting work while Kafka is down (the outbox holds it).
        state = request.app.state
        body: dict[str, Any] = {"status": "ok"}
        try:
            await asyncio.wait_for(state.db.ping(), timeout=2)
        except Exception as exc:
            return JSONResponse({"status": "unavailable", "database": str(exc)}, status_code=503)
        if state.relay is not None:
            body["relay"] = {"leader": state.relay.leader, "published": state.relay.published,
                             "last_error": state.relay.last_error}
        if state.consumer is not None:
            body["consumer"] = {"processed": state.consumer.processed,
                                "parked": state.consumer.parked,
                                "resets": state.consumer.resets,
                                "last_error": state.consumer.last_error}
        return body

    return router
