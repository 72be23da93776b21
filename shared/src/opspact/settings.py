"""Settings shared by every process; each service subclasses `ServiceSettings`.

Everything is read from `OPSPACT_*` environment variables. Nothing connects at
import time; `get_settings()` builds the object once per process and the apps
receive it through dependency injection.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url

DEV_JWT_SECRET = "opspact-dev-only-jwt-secret-change-me"


class CommonSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="OPSPACT_", extra="ignore")

    env: Literal["dev", "test", "staging", "prod"] = "dev"
    # Owner URL: migrations and bootstrap use it; service apps derive their own
    # least-privileged role from it unless given one explicitly.
    database_url: str = "postgresql+asyncpg://postgres@/opspact?host=/tmp"
    kafka_bootstrap: str = "127.0.0.1:9092"
    # How long the broker may hold a consumer's fetch when nothing is there. A real Kafka
    # answers as soon as a record arrives (500 is its usual value); Tansu, the broker of
    # `opspact up` and the tests, holds the fetch for the whole wait, so the wait *is* the
    # event delay. 100 ms: commit → consumer p50 46 ms at 20/s (500: 180 ms). 50 ms gave
    # 24 ms but its idle fetches made `make test` 17 % slower (docs/benchmarks.md).
    kafka_fetch_max_wait_ms: int = Field(default=100, ge=1, le=30000)
    # Ed25519 public key (PEM) that verifies the gateway's internal tokens.
    internal_public_key: str = ""
    log_level: str = "INFO"
    # one JSON object per line for log collectors; `text` for people (opspact up sets it)
    log_format: Literal["json", "text"] = "json"
    otel_exporter: Literal["none", "console", "otlp"] = "none"
    # Prometheus /metrics on a port of its own (opspact.metrics); none: not served.
    # 0.0.0.0 in a pod (the network policy lets only Prometheus in), loopback on a laptop.
    metrics_port: int | None = None
    metrics_host: str = "127.0.0.1"

    @property
    def is_dev(self) -> bool:
        return self.env in ("dev", "test")


class ServiceSettings(CommonSettings):
    """Per-service settings; subclasses set `service_name`."""

    service_name: str = Field(default="", exclude=True)
    # Explicit app-role URL; by default the owner URL with the service's role.
    service_database_url: str | None = None
    relay_enabled: bool = True
    consumer_enabled: bool = True
    relay_poll_seconds: float = 2.0
    # LISTEN/NOTIFY wakes the relay at commit. Turn it off behind a transaction-pooling
    # PgBouncer (LISTEN does not survive there); the relay then only polls.
    relay_listen: bool = True
    db_pool_size: int = 10

    @property
    def app_role(self) -> str:
        return f"opspact_{self.service_name}"

    @property
    def app_database_url(self) -> str:
        if self.service_database_url:
            return self.service_database_url
        url = make_url(self.database_url).set(username=self.app_role, password=None)
        return url.render_as_string(hide_password=False)

    @property
    def topic(self) -> str:
        return f"{self.service_name}.events"

    @model_validator(mode="after")
    def _refuse_missing_key_outside_dev(self) -> ServiceSettings:
        if not self.is_dev and not self.internal_public_key:
            raise ValueError("OPSPACT_INTERNAL_PUBLIC_KEY must be set outside dev")
        return self
