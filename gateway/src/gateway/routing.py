"""Which upstream serves a tenant's request for a service.

Pools are deployment facts (URLs), so they live in the gateway's settings
(`OPSPACT_GATEWAY_POOLS`, `{"beijing": {"ticketing": [{"url": …, "weight": 2}, …]}}`);
which pool a tenant uses, and its per-route timeouts, are contract facts and live in
the tenant file's gateway section:

    services:
      gateway:
        routes:
          ticketing: {pool: beijing, timeout_seconds: 10}
          billing: {client_cert: required}

Members are tried in weighted random order, healthy ones first. A member that
refuses connections is marked down for `down_seconds` (passive health checks)
and the next one is tried — safe for any method, since nothing was sent. Once a
request was sent, a failure is not retried (it may have been applied): timeouts
answer 504, broken connections 503."""

from __future__ import annotations

import logging
import random
import time
from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

log = logging.getLogger(__name__)
DEFAULT_POOL = "default"


class Member(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: str = Field(pattern=r"^https?://")
    weight: int = Field(default=1, ge=1, le=100)


class RouteSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    pool: str = DEFAULT_POOL
    timeout_seconds: float | None = Field(default=None, gt=0, le=300)
    # required: this tenant's callers of this service must have logged in with a police
    # PKI certificate (数字证书登录: a token from POST /auth/cert, `amr: [pki]`).
    client_cert: Literal["optional", "required"] = "optional"


DEFAULT_ROUTE = RouteSettings()  # shared, read-only: a route no tenant file sets


class TenantRouting(BaseModel):
    model_config = ConfigDict(extra="forbid")
    routes: dict[str, RouteSettings] = Field(default_factory=dict)


@dataclass
class Upstream:
    url: str
    weight: int
    down_until: float = 0.0

    def healthy(self, now: float) -> bool:
        return self.down_until <= now


@dataclass
class Router:
    pools: dict[str, dict[str, list[Upstream]]]
    tenants: dict[str, TenantRouting]
    down_seconds: float = 10.0
    rng: random.Random = field(default_factory=random.Random)

    @classmethod
    def build(cls, upstreams: dict[str, str], pools: dict[str, dict[str, list[Member]]],
              tenant_sections: dict[str, dict], strict: bool, down_seconds: float = 10.0) -> Router:
        """`strict` (outside dev): a tenant naming a pool that is not configured stops the
        gateway from starting; in dev it falls back to the default pool with a warning."""
        built = {DEFAULT_POOL: {s: [Upstream(u, 1)] for s, u in upstreams.items()}}
        for name, services in pools.items():
            built[name] = {s: [Upstream(m.url, m.weight) for m in members]
                           for s, members in services.items()}
        tenants = {}
        for slug, section in tenant_sections.items():
            routing = TenantRouting.model_validate(section or {})
            for service, route in routing.routes.items():
                if service not in built.get(route.pool, {}):
                    message = f"tenant {slug} routes {service} to pool {route.pool!r}, " \
                              f"which has no {service} members in OPSPACT_GATEWAY_POOLS"
                    if strict:
                        raise ValueError(message)
                    log.warning("%s; using the default pool (dev)", message)
                    route.pool = DEFAULT_POOL
            tenants[slug] = routing
        return cls(built, tenants, down_seconds)

    def route(self, tenant: str, service: str) -> RouteSettings:
        routing = self.tenants.get(tenant)
        return (routing.routes.get(service) if routing else None) or DEFAULT_ROUTE

    def candidates(self, tenant: str, service: str) -> list[Upstream]:
        """Members to try in order: healthy ones by weighted lot, then the ones down."""
        members = self.pools[self.route(tenant, service).pool][service]
        now = time.monotonic()
        if len(members) == 1:  # most pools: nothing to draw, down or not
            return list(members)
        healthy = [m for m in members if m.healthy(now)]
        ordered = []
        while healthy:
            pick = self.rng.choices(healthy, weights=[m.weight for m in healthy])[0]
            ordered.append(pick)
            healthy.remove(pick)
        return ordered + sorted((m for m in members if not m.healthy(now)),
                                key=lambda m: m.down_until)

    def mark_down(self, member: Upstream) -> None:
        member.down_until = time.monotonic() + self.down_seconds
        log.warning("upstream %s refused the connection: down for %.0f s", member.url,
                    self.down_seconds)

    def status(self) -> dict:
        now = time.monotonic()
        return {pool: {service: [{"url": m.url, "weight": m.weight, "healthy": m.healthy(now)}
                                 for m in members] for service, members in services.items()}
                for pool, services in self.pools.items()}
