"""Gateway app factory (`uvicorn gateway.main:create_app --factory`)."""

from __future__ import annotations

from contextlib import asynccontextmanager

from cryptography.hazmat.primitives import serialization
from fastapi import FastAPI, Path, Query, Request
from fastapi.middleware.cors import CORSMiddleware
from opspact import SERVICES, hooksig, logs, metrics, telemetry
from opspact.app import PROBLEM_RESPONSES, handler_name
from opspact.auth import Principal, load_pem
from opspact.errors import NotFound, Unauthorized, install_problem_handlers
from opspact.http import BodyGuard, TraceContext
from opspact.permissions import require, route_for
from opspact.tenancy.model import SLUG_PATTERN, load_tenant_files
from pydantic import BaseModel

from gateway import openapi as gateway_openapi
from gateway.audit import AuditLog, AuditTrail
from gateway.config import GatewaySettings, get_settings
from gateway.console import ConsoleForward
from gateway.fastpath import ApiFastPath
from gateway.hooks import authenticate_callback, authenticate_hook
from gateway.identity import TENANT_HEADER, authenticate, require_certificate_login, resolve_tenant
from gateway.jwks import KeySet
from gateway.pki import (
    authenticate_certificate,
    forwarded_certificate,
    issue_cert_token,
    load_trust,
    trusted_proxy,
)
from gateway.proxy import delegations, forward, new_client
from gateway.ratelimit import RateLimits
from gateway.routing import Router
from gateway.security import SecurityHeaders
from gateway.tls import client_certificate_pem
from gateway.tokencache import InternalTokens, VerifiedTokens

METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]


class CertToken(BaseModel):
    access_token: str
    token_type: str = "Bearer"
    expires_in: int
    tenant: str
    subject: str
    roles: list[str]


def create_app(settings: GatewaySettings | None = None) -> FastAPI:
    settings = settings or get_settings()
    logs.configure("gateway", settings.log_format, settings.log_level)
    telemetry.setup("gateway", settings.otel_exporter)
    tenants = {t.slug: t for t in load_tenant_files(settings.gateway_tenants_dir)}
    private_key = load_pem(settings.gateway_internal_private_key)
    internal_tokens = InternalTokens(private_key)
    verified_tokens = VerifiedTokens()
    own_public_key = serialization.load_pem_private_key(
        private_key.encode(), password=None).public_key()
    trust = load_trust(settings.gateway_pki_dir) if settings.gateway_pki_dir else {}
    router = Router.build(settings.gateway_upstreams, settings.gateway_pools,
                          {slug: t.services.get("gateway", {}) for slug, t in tenants.items()},
                          strict=not settings.is_dev,
                          down_seconds=settings.gateway_upstream_down_seconds)
    audit = (AuditLog(settings.audit_database_url, settings.gateway_anonymous_refusal_rate)
             if settings.gateway_audit_enabled else None)
    keys = (KeySet(settings.gateway_jwks_source, settings.gateway_jwks_refresh_seconds,
                   settings.gateway_jwks_min_refetch_seconds)
            if settings.gateway_jwks_source else None)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        client = new_client(settings.gateway_max_connections,
                            settings.gateway_upstream_timeout_seconds)
        app.state.client = client
        metrics.serve(settings.metrics_port, settings.metrics_host)
        if audit is not None:
            await audit.start()
        if keys is not None:
            await keys.refresh()  # a JWKS down at start is retried on first use
        try:
            yield
        finally:
            await client.close()
            if audit is not None:
                await audit.stop()

    limits = RateLimits(settings.gateway_rate_per_tenant, settings.gateway_rate_per_client)

    def certificate_principal(request: Request) -> Principal:
        """Who a police PKI certificate names — presented in the gateway's own TLS handshake
        (gateway.tls), or verified by the front proxy and forwarded in a header."""
        presented = client_certificate_pem(request.scope)
        if presented is None:
            client_host = request.client.host if request.client else None
            presented = request.headers.get(settings.gateway_client_cert_header)
            if presented and not trusted_proxy(client_host, settings.gateway_trusted_proxies):
                raise Unauthorized("the client certificate header is honoured only from the "
                                   "configured proxies; log in through the PKI entrance")
        return authenticate_certificate(forwarded_certificate(presented), trust)

    def certificate_login(request: Request) -> str:
        """数字证书登录 in the browser: the console's /console/signin/cert gets the token."""
        principal = certificate_principal(request)
        return issue_cert_token(private_key, principal, settings.gateway_cert_token_ttl_seconds)
    known_tenants = frozenset(tenants)

    async def api(request: Request):
        # the path parameters read as they are: FastAPI's
        # parameter solving was a tenth of the gateway's time per proxied request
        service, path = request.path_params["service"], request.path_params["path"]
        claims = await authenticate(request, settings, keys, own_public_key, verified_tokens)
        if service not in SERVICES:
            raise NotFound(f"unknown service {service!r}")
        principal = resolve_tenant(request, claims, known_tenants)
        request.state.principal = principal
        route = route_for(service, request.method, f"/{path}")
        if route is None:  # deny by default: only listed routes are forwarded
            raise NotFound(f"no route {request.method} /api/{service}/{path}")
        request.scope[metrics.ROUTE_KEY] = f"/api/{service}{route.template}"
        require(principal, route.permission)
        require_certificate_login(router, principal.tenant, (service, *route.delegates), claims)
        limits.check(principal.tenant, principal.subject)
        return await forward(request, request.app.state.client, router, f"/{path}", principal,
                             service, internal_tokens, await request.body(),
                             extra_headers=delegations(router, internal_tokens, principal, route))

    app = FastAPI(title="OpsPact gateway", version="0.1.0", lifespan=lifespan,
                  responses=PROBLEM_RESPONSES, telemetry=telemetry.FASTAPI_TELEMETRY,
                  generate_unique_id_function=handler_name,
                  description="The only public entry: authentication, tenant resolution, routing.")
    install_problem_handlers(app)
    # innermost: the proxied calls skip the router (gateway.fastpath), after every check below
    app.add_middleware(ApiFastPath, handler=api,
                       methods=frozenset(METHODS))
    app.add_middleware(BodyGuard)
    if settings.gateway_cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=settings.gateway_cors_origins,
                           allow_methods=METHODS, allow_headers=[
                               "authorization", "content-type", "idempotency-key",
                               TENANT_HEADER], max_age=600)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(AuditTrail, log_=audit)
    # browser paths go to the web console, outside the audit trail (gateway.console)
    app.add_middleware(ConsoleForward, console_url=settings.gateway_console_url,
                       client_of=lambda: app.state.client, certificate_login=certificate_login)
    app.add_middleware(TraceContext, name="gateway")
    app.add_middleware(metrics.HttpMetrics, service="gateway")

    @app.get("/healthz", tags=["health"])
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", tags=["health"])
    async def readyz() -> dict:
        # Outside dev it answers anyone (probes carry no token): no tenant names, no
        # upstream addresses — a map of the deployment is not for anonymous callers.
        if not settings.is_dev:
            return {"status": "ok"}
        body = {"status": "ok", "tenants": sorted(tenants), "upstreams": router.status()}
        if keys is not None:
            body["jwks"] = {"keys": len(keys.keys), "last_error": keys.last_error}
        if audit is not None:
            body["audit"] = {"written": audit.written, "failed": audit.failed}
        return body

    @app.post("/hooks/{tenant}/{source}", tags=["hooks"],
              responses={200: {"description": "already reported"},
                         201: {"description": "ticket created"},
                         401: {"description": "signature missing, stale or wrong"},
                         409: {"description": "a replayed signed delivery"},
                         429: {"description": "rate limit reached (Retry-After)"},
                         503: {"description": "ticketing unavailable"}})
    async def hook(request: Request, tenant: str = Path(pattern=SLUG_PATTERN),
                   source: str = Path(pattern=r"^[a-z0-9][a-z0-9-]{0,31}$")):
        engagement = tenants.get(tenant)
        if engagement is None:
            raise NotFound(f"unknown tenant {tenant!r}")
        sources = engagement.services.get("ticketing", {}).get("hook_sources", [])
        if source not in sources:
            raise NotFound(f"hook source {source!r} is not configured for tenant {tenant}")
        body = await request.body()
        delivery = authenticate_hook(request, settings, tenant, source, body)
        limits.check(tenant, f"hook:{tenant}/{source}")
        principal = Principal(subject=f"hook:{source}", tenant=tenant, roles=("integration",))
        request.state.principal = principal
        return await forward(request, request.app.state.client, router, f"/hooks/{source}",
                             principal, "ticketing", internal_tokens, body,
                             extra_headers={hooksig.DELIVERY_HEADER: delivery} if delivery else None)

    @app.post("/callbacks/{tenant}/sms/{provider}", tags=["hooks"],
              responses={200: {"description": "reports taken (the provider's own answer shape)"},
                         401: {"description": "token missing or wrong"},
                         422: {"description": "not the provider's report format"},
                         429: {"description": "rate limit reached (Retry-After)"},
                         503: {"description": "notify unavailable (the provider pushes again)"}})
    async def sms_receipts(request: Request, tenant: str = Path(pattern=SLUG_PATTERN),
                           provider: str = Path(pattern=r"^(alibaba|tencent)$"),
                           token: str | None = Query(default=None, max_length=200)):
        """Delivery reports pushed by Alibaba Cloud (SmsReport) and Tencent Cloud SMS."""
        if tenant not in tenants:
            raise NotFound(f"unknown tenant {tenant!r}")
        authenticate_callback(settings, tenant, f"sms-{provider}", token)
        limits.check(tenant, f"callback:{tenant}/{provider}")
        principal = Principal(subject=f"callback:sms-{provider}", tenant=tenant, roles=("integration",))
        request.state.principal = principal
        return await forward(request, request.app.state.client, router, f"/receipts/{provider}",
                             principal, "notify", internal_tokens, await request.body(), query="")

    FOLLOW_UP_TOKEN = Path(min_length=16, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")

    async def follow_up(request: Request, tenant: str, token: str):
        """回访: the page the follow-up SMS links to, answered without logging in — the
        one-time token in the address is the credential (ticketing keeps only its SHA-256)."""
        if tenant not in tenants:
            raise NotFound(f"unknown tenant {tenant!r}")
        client_host = request.client.host if request.client else "unknown"
        limits.check(tenant, f"follow-up:{client_host}")
        principal = Principal(subject="public:follow-up", tenant=tenant, roles=("integration",))
        request.state.principal = principal
        return await forward(request, request.app.state.client, router, f"/follow-ups/answer/{token}",
                             principal, "ticketing", internal_tokens, await request.body(), query="")

    follow_up_answers = {404: {"description": "no such link"}, 410: {"description": "the link expired"},
                         429: {"description": "rate limit reached (Retry-After)"}}

    @app.get("/f/{tenant}/{token}", tags=["follow-ups"], responses={
        200: {"content": {"text/html": {}}, "description": "the follow-up form (HTML for a browser)"},
        **follow_up_answers})
    async def follow_up_page(request: Request, tenant: str = Path(pattern=SLUG_PATTERN),
                             token: str = FOLLOW_UP_TOKEN):
        """回访: the page the follow-up SMS links to (no login: the link's token is the credential)."""
        return await follow_up(request, tenant, token)

    @app.post("/f/{tenant}/{token}", tags=["follow-ups"], responses={
        200: {"content": {"text/html": {}}, "description": "recorded, or the first answer unchanged"},
        422: {"description": "no score from 1 to 5"}, **follow_up_answers})
    async def follow_up_answer(request: Request, tenant: str = Path(pattern=SLUG_PATTERN),
                               token: str = FOLLOW_UP_TOKEN):
        """The reporter's answer: a form (score, comment) or JSON; the first answer counts."""
        return await follow_up(request, tenant, token)

    @app.post("/auth/cert", tags=["auth"], response_model=CertToken,
              responses={401: {"description": "no, expired, untrusted, revoked or unregistered "
                                              "certificate"}})
    async def exchange_certificate(request: Request) -> CertToken:
        """A police PKI certificate — presented in the gateway's own TLS handshake
        (gateway.tls), or verified by the front proxy and forwarded — checked here and
        exchanged for a short-lived bearer token."""
        principal = certificate_principal(request)
        request.state.principal = principal
        ttl = settings.gateway_cert_token_ttl_seconds
        return CertToken(access_token=issue_cert_token(private_key, principal, ttl),
                         expires_in=ttl, tenant=principal.tenant, subject=principal.subject,
                         roles=list(principal.roles))

    # ApiFastPath answers these calls ahead of the router; the services' own operations
    # document them, one by one (gateway.openapi)
    app.api_route("/api/{service}/{path:path}", methods=METHODS, include_in_schema=False)(api)
    gateway_openapi.install(app)
    return app
