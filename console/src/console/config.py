"""The console's settings (`OPSPACT_CONSOLE_*`). It holds no secrets of the product: it
calls the gateway with each user's own token and reads no database."""

from __future__ import annotations

from functools import lru_cache

from opspact.settings import DEV_JWT_SECRET, CommonSettings
from pydantic import Field, model_validator


class ConsoleSettings(CommonSettings):
    # Where the console reaches the gateway's /api/… (inside the deployment).
    console_gateway_url: str = "http://127.0.0.1:8000"
    # The one origin people use (the gateway's public address): the Origin check of every
    # state change compares against it, and it decides whether cookies get `__Host-`/Secure.
    console_public_url: str = "http://127.0.0.1:8000"
    # A signed-in session lives this long without use, and never longer than the absolute.
    console_idle_seconds: int = Field(default=8 * 3600, ge=60)
    console_absolute_seconds: int = Field(default=24 * 3600, ge=300)
    console_max_sessions: int = Field(default=10_000, ge=10)
    # Dev sign-in mints the same HS256 tokens `opspact token issue` does; refused outside dev.
    console_dev_jwt_secret: str = DEV_JWT_SECRET
    # Live updates: the console reads the services' events (no consumer group, no commits).
    console_live_enabled: bool = True
    console_live_topics: list[str] = Field(default_factory=lambda: ["ticketing.events"])
    # An event stream is closed after this long; the browser reconnects on its own
    # (the gateway's forward of the stream has its own deadline above it).
    console_stream_seconds: int = Field(default=300, ge=10)
    console_api_timeout_seconds: float = 20.0
    # OpenID Connect (console.oidc): the organisation's identity provider. Unset: no SSO.
    console_oidc_issuer: str = ""
    console_oidc_client_id: str = "opspact-console"
    console_oidc_client_secret: str = ""
    console_oidc_scopes: str = "openid offline_access opspact"
    # RFC 8707 resource indicator (an absolute URI, e.g. urn:opspact:api) for providers that
    # mint access tokens per API; empty: none sent (the provider's default audience applies)
    console_oidc_resource: str = ""
    console_oidc_name: str = "统一身份认证"

    @property
    def oidc_enabled(self) -> bool:
        return bool(self.console_oidc_issuer)

    @property
    def secure_cookies(self) -> bool:
        return self.console_public_url.startswith("https://")

    @property
    def public_origin(self) -> str:
        return self.console_public_url.rstrip("/")

    @model_validator(mode="after")
    def _dev_secret_only_in_dev(self) -> ConsoleSettings:
        if not self.is_dev and self.console_dev_jwt_secret != DEV_JWT_SECRET:
            raise ValueError("OPSPACT_CONSOLE_DEV_JWT_SECRET means nothing outside dev; unset it")
        if self.console_oidc_issuer and not self.console_oidc_client_secret:
            raise ValueError("OPSPACT_CONSOLE_OIDC_CLIENT_SECRET must be set with the issuer")
        return self


@lru_cache
def get_settings() -> ConsoleSettings:
    return ConsoleSettings()
