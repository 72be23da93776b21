"""Reading from another service on the caller's behalf — the exception the design names.

Only the gateway signs internal tokens. For a route listing `delegates` (permissions.Route),
it adds one header per peer service: `x-opspact-peer-<service>: <base url> <token>` — the
upstream serving the caller's tenant, and a token with that service's audience, the
caller's identity and roles, and `act: {sub: <the route's service>}`. The peer accepts such
a token for reads only, and checks the caller's permission as for any request: a report
never shows what its reader could not read directly. The gateway builds these headers
itself; a client's own are dropped (the proxy forwards listed headers only)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
from starlette.requests import Request

from opspact import telemetry
from opspact.errors import Problem, ServiceUnavailable

HEADER_PREFIX = "x-opspact-peer-"
TIMEOUT_SECONDS = 20.0


def header_name(service: str) -> str:
    return HEADER_PREFIX + service


def header_value(url: str, token: str) -> str:
    return f"{url} {token}"


@dataclass(frozen=True)
class Peer:
    service: str
    url: str
    token: str


def peer_of(request: Request, service: str) -> Peer | None:
    """The delegation the gateway attached for `service`, if any."""
    url, _, token = request.headers.get(header_name(service), "").partition(" ")
    return Peer(service, url.rstrip("/"), token) if url and token else None


class Denied:
    """The caller's roles may not read what was asked (the peer answered 403)."""

    def __init__(self, detail: str) -> None:
        self.detail = detail


async def get_json(request: Request, service: str, path: str,
                   params: dict[str, str]) -> Any | Denied:
    """`service`'s JSON answer on the caller's behalf, or Denied. No delegation: 400 (the
    caller bypassed the gateway); no answer or an unexpected status: 503, since a document
    built without the part would be silently incomplete."""
    peer = peer_of(request, service)
    if peer is None:
        raise Problem(f"no delegation to {service} came with the request (it must come "
                      "through the gateway)")
    headers = {"authorization": f"Bearer {peer.token}", "accept": "application/json"}
    telemetry.inject(headers)
    try:
        async with httpx.AsyncClient(timeout=TIMEOUT_SECONDS) as client:
            response = await client.get(f"{peer.url}{path}", params=params, headers=headers)
    except httpx.HTTPError as exc:
        raise ServiceUnavailable(f"{service} did not answer ({type(exc).__name__})",
                                 retry_after=5) from exc
    if response.status_code == 403:
        return Denied(_detail(response))
    if response.status_code != 200:
        raise ServiceUnavailable(f"{service} answered {response.status_code} for {path}: "
                                 f"{_detail(response)}", retry_after=5)
    return response.json()


def _detail(response: httpx.Response) -> str:
    try:
        return str(response.json().get("detail", ""))[:300]
    except ValueError:
        return response.text[:300]
