"""Console app factory (`uvicorn console.main:create_app --factory`)."""

from __future__ import annotations

from contextlib import asynccontextmanager
from urllib.parse import urlsplit

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from opspact import logs, metrics
from starlette.responses import Response, StreamingResponse

from console import live
from console.api import ApiError, Gateway
from console.config import ConsoleSettings, get_settings
from console.desk import (
    assets,
    change_work,
    changes,
    credentials,
    damages,
    dashboard,
    deadletters,
    deliverables,
    dossier,
    duty,
    finance,
    inspection_ledger,
    inspections,
    intake,
    knowledge,
    notifications,
    plans,
    queue,
    reports,
    roster,
    service_records,
    statement,
    templates_desk,
    ticket,
)
from console.oidc import OidcClient
from console.security import BrowserHeaders
from console.sessions import Session, SessionStore
from console.signin import router as signin_router
from console.web import HERE, Refused, current, flash, install_error_pages, is_htmx, render


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def create_app(settings: ConsoleSettings | None = None) -> FastAPI:
    settings = settings or get_settings()
    logs.configure("console", settings.log_format, settings.log_level)
    feed = live.LiveFeed(settings.kafka_bootstrap, settings.console_live_topics,
                         settings.kafka_fetch_max_wait_ms)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        app.state.gateway = Gateway(settings.console_gateway_url, settings.console_api_timeout_seconds)
        app.state.oidc = OidcClient(settings) if settings.oidc_enabled else None
        metrics.serve(settings.metrics_port, settings.metrics_host)
        if settings.console_live_enabled:
            await feed.start()
        try:
            yield
        finally:
            await feed.stop()
            await app.state.gateway.close()
            if app.state.oidc is not None:
                await app.state.oidc.close()

    app = FastAPI(title="OpsPact console", version="0.1.0", lifespan=lifespan,
                  openapi_url=None, docs_url=None, redoc_url=None)
    app.state.settings = settings
    app.state.sessions = SessionStore(settings.console_idle_seconds, settings.console_absolute_seconds,
                                      settings.console_max_sessions)
    app.state.reference_cache = {}
    app.state.feed = feed
    app.state.oidc = None  # set at start when an identity provider is configured

    async def known_tenants() -> list[str]:
        """The gateway's tenants, which it lists in dev only (for the dev sign-in form)."""
        try:
            answer = await app.state.gateway.raw(None, "GET", "/readyz", api=False)
            return sorted(answer.json().get("tenants", []))
        except (ApiError, ValueError):
            return []

    app.state.known_tenants = known_tenants
    install_error_pages(app)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        fields = "、".join(str(e.get("loc", ["", "?"])[-1]) for e in exc.errors()[:5])
        message = f"请求无效：{fields}"
        if is_htmx(request):
            return flash(request, message, status_code=422)
        return render(request, "error.html", status_code=422, message=message)

    @app.exception_handler(404)
    async def _not_found(request: Request, exc) -> Response:
        return render(request, "error.html", status_code=404, message="找不到该页面。")

    app.add_middleware(metrics.HttpMetrics, service="console")
    app.add_middleware(BrowserHeaders, form_targets=(origin_of(settings.console_oidc_issuer),)
                       if settings.oidc_enabled else ())
    app.mount("/console/static", StaticFiles(directory=HERE / "static"), name="static")
    app.include_router(signin_router)
    app.include_router(intake.router)  # before the ticket pages: /tickets/new is not an id
    app.include_router(ticket.router)
    app.include_router(queue.router)
    app.include_router(inspection_ledger.router)  # before the rounds: /ledger is not a round
    app.include_router(inspections.router)
    app.include_router(duty.router)
    app.include_router(deliverables.router)
    app.include_router(service_records.router)
    app.include_router(change_work.router)  # before changes: /new is not a change id
    app.include_router(changes.router)
    app.include_router(dossier.router)  # before reports: its paths are under /console/reports
    app.include_router(reports.router)
    app.include_router(dashboard.router)
    app.include_router(assets.router)
    app.include_router(credentials.router)
    app.include_router(roster.router)
    app.include_router(knowledge.router)
    app.include_router(plans.router)
    app.include_router(templates_desk.router)  # before notifications: paths under it
    app.include_router(deadletters.router)
    app.include_router(notifications.router)
    app.include_router(damages.router)  # before finance: its paths are under /console/finance
    app.include_router(statement.router)
    app.include_router(finance.router)

    @app.get("/console/events")
    async def events(request: Request, session: Session = Depends(current)) -> Response:
        if not settings.console_live_enabled:
            raise Refused(404, "实时更新未启用")
        return StreamingResponse(live.event_stream(feed, session.tenant, settings.console_stream_seconds),
                                 media_type="text/event-stream",
                                 headers={"cache-control": "no-store", "x-accel-buffering": "no"})

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict:
        return {"status": "ok"}

    @app.get("/readyz", include_in_schema=False)
    async def readyz() -> dict:
        body = {"status": "ok"}
        if settings.is_dev:
            body.update(sessions=len(app.state.sessions), live=feed.connected)
        return body

    return app
