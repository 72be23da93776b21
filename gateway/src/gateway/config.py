from functools import lru_cache
from pathlib import Path
from typing import Literal

from opspact.db.bootstrap import app_role
from opspact.settings import DEV_JWT_SECRET, CommonSettings
from pydantic import Field, model_validator
from sqlalchemy.engine import make_url

from gateway.routing import Member


class GatewaySettings(CommonSettings):
    # Ed25519 private key (PEM or path) that signs the internal tokens.
    gateway_internal_private_key: str = ""
    # HS256 user tokens are a dev convenience only; everywhere else tokens are verified
    # against the identity provider's JWKS (a URL or a file), see gateway.jwks.
    gateway_jwt_secret: str = DEV_JWT_SECRET
    gateway_jwks_source: str = ""
    gateway_jwt_issuer: str = ""
    gateway_jwt_audience: str = "opspact"
    gateway_jwks_refresh_seconds: float = 300
    gateway_jwks_min_refetch_seconds: float = 30
    gateway_tenants_dir: Path = Path("deploy/tenants")
    gateway_upstreams: dict[str, str] = Field(default_factory=lambda: {
        "ticketing": "http://127.0.0.1:8001", "inventory": "http://127.0.0.1:8002",
        "billing": "http://127.0.0.1:8003", "notify": "http://127.0.0.1:8004"})
    # Hook secrets per "tenant/source" (see gateway.hooks); never in the tenant files.
    gateway_hook_secrets: dict[str, str] = Field(default_factory=dict)
    gateway_hook_secrets_dir: Path | None = None
    gateway_hook_bearer_sources: list[str] = Field(default_factory=lambda: ["alertmanager"])
    # Token buckets (requests/s, burst) per tenant and per client (user, system or hook);
    # bursts sized for a monitor's alert storm. Per replica, see gateway.ratelimit.
    gateway_rate_per_tenant: tuple[float, float] = (500.0, 2000.0)
    gateway_rate_per_client: tuple[float, float] = (200.0, 1000.0)
    # Refusals of anonymous callers (no or a bad token) per second per client address, and
    # the burst; past it they are answered 429 and only counted (see gateway.audit).
    gateway_anonymous_refusal_rate: tuple[float, float] = (20.0, 200.0)
    gateway_cors_origins: list[str] = Field(default_factory=list)
    # The audit log (gateway schema); by default the owner URL with the gateway's role.
    gateway_audit_enabled: bool = True
    gateway_database_url: str | None = None
    # Named upstream pools a tenant file may route to (see gateway.routing).
    gateway_pools: dict[str, dict[str, list[Member]]] = Field(default_factory=dict)
    gateway_upstream_down_seconds: float = 10.0
    # Police PKI behind a TLS-terminating front proxy (see gateway.pki).
    gateway_pki_dir: Path | None = None
    gateway_trusted_proxies: list[str] = Field(default_factory=list)
    gateway_client_cert_header: str = "x-ssl-client-cert"
    gateway_cert_token_ttl_seconds: int = Field(default=900, ge=60, le=12 * 3600)
    # Or terminating TLS itself (gateway.tls, `python -m gateway.serve`): the server's
    # certificate and key (PEM paths), and whether clients are asked for a certificate.
    gateway_tls_certfile: str = ""
    gateway_tls_keyfile: str | None = None
    gateway_tls_client_certs: Literal["none", "optional", "required"] = "optional"
    gateway_upstream_timeout_seconds: float = 30.0
    # The web console people use in a browser (`/`, `/console/…`, see gateway.console);
    # empty: no console behind this gateway (those paths answer 404).
    gateway_console_url: str = "http://127.0.0.1:8005"
    gateway_max_connections: int = 200

    @property
    def audit_database_url(self) -> str:
        if self.gateway_database_url:
            return self.gateway_database_url
        url = make_url(self.database_url).set(username=app_role("gateway"), password=None)
        return url.render_as_string(hide_password=False)

    @model_validator(mode="after")
    def _refuse_dev_secrets(self) -> "GatewaySettings":
        if not self.is_dev and self.gateway_jwt_secret == DEV_JWT_SECRET:
            raise ValueError("the default dev JWT secret is refused outside dev")
        if not self.gateway_internal_private_key:
            raise ValueError("OPSPACT_GATEWAY_INTERNAL_PRIVATE_KEY must be set")
        if not self.is_dev and not self.gateway_jwks_source:
            raise ValueError("OPSPACT_GATEWAY_JWKS_SOURCE must be set outside dev "
                             "(HS256 tokens are accepted only in dev)")
        if self.gateway_jwks_source and not self.gateway_jwt_issuer:
            raise ValueError("OPSPACT_GATEWAY_JWT_ISSUER must name the JWKS's issuer")
        return self


@lru_cache
def get_settings() -> GatewaySettings:
    return GatewaySettings()
