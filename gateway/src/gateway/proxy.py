"""Forward a request to a service with the internal token and send its answer back.

The upstream client is aiohttp: py-spy on the gateway under bench gateway-overhead
counted about a third of httpx's samples for the same requests."""

from __future__ import annotations

import aiohttp
from fastapi import Request
from opspact import peers, telemetry
from opspact.auth import Principal
from opspact.errors import GatewayTimeout, ServiceUnavailable
from opspact.permissions import Route
from starlette.background import BackgroundTask
from starlette.responses import Response, StreamingResponse

from gateway.routing import Router
from gateway.tokencache import InternalTokens

FORWARDED_REQUEST_HEADERS = ("content-type", "accept", "accept-language", "idempotency-key",
                             "x-request-id")
BUFFER_LIMIT = 256 * 1024  # larger answers (reports, exports) stream through
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade",
              "proxy-authenticate", "proxy-authorization", "content-length"}
CONNECT_TIMEOUT = 3.0


def new_session(max_connections: int, timeout_seconds: float) -> aiohttp.ClientSession:
    return aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=max_connections, keepalive_timeout=30),
        timeout=aiohttp.ClientTimeout(total=timeout_seconds, connect=CONNECT_TIMEOUT),
        auto_decompress=False,  # pass bodies through as the service encoded them
        skip_auto_headers=("User-Agent",))


def delegations(router: Router, tokens: InternalTokens, principal: Principal,
                route: Route) -> dict[str, str] | None:
    """Per peer the route reads from: the upstream serving this tenant (the healthiest
    candidate) and a read-only token for it on the caller's behalf."""
    if not route.delegates:
        return None
    headers = {}
    for peer in route.delegates:
        candidates = router.candidates(principal.tenant, peer)
        if candidates:
            headers[peers.header_name(peer)] = peers.header_value(
                candidates[0].url, tokens.for_(principal, peer, actor=route.service))
    return headers


async def forward(request: Request, client: aiohttp.ClientSession, router: Router, path: str,
                  principal: Principal, audience: str, tokens: InternalTokens, body: bytes,
                  extra_headers: dict[str, str] | None = None, query: str | None = None) -> Response:
    """`query` replaces the request's own query string (None: pass it on)."""
    # Only listed headers pass: anything a client adds claiming to be the gateway is dropped.
    headers = {k: v for k, v in request.headers.items() if k in FORWARDED_REQUEST_HEADERS}
    headers.update(extra_headers or {})
    headers["authorization"] = f"Bearer {tokens.for_(principal, audience)}"
    telemetry.inject(headers)
    route = router.route(principal.tenant, audience)
    per_route = ({"timeout": aiohttp.ClientTimeout(total=route.timeout_seconds,
                                                   connect=CONNECT_TIMEOUT)}
                 if route.timeout_seconds else {})
    query = request.scope["query_string"].decode("latin-1") if query is None else query
    for member in router.candidates(principal.tenant, audience):
        url = f"{member.url}{path}" + (f"?{query}" if query else "")
        try:
            response = await client.request(request.method, url, headers=headers, data=body,
                                            **per_route)
        except (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError):
            router.mark_down(member)  # nothing was sent: the next member may take it
            continue
        except TimeoutError as exc:
            raise GatewayTimeout(f"{audience} did not answer in time") from exc
        except aiohttp.ClientError as exc:
            raise ServiceUnavailable(f"{audience} is unavailable", retry_after=5) from exc
        passed = {k: v for k, v in response.headers.items() if k.lower() not in HOP_BY_HOP}
        length = response.content_length
        if length is not None and length <= BUFFER_LIMIT:
            try:
                content = await response.read()
            except TimeoutError as exc:
                raise GatewayTimeout(f"{audience} did not finish its answer in time") from exc
            finally:
                response.release()
            return Response(content, status_code=response.status, headers=passed)
        return StreamingResponse(response.content.iter_chunked(64 * 1024),
                                 status_code=response.status, headers=passed,
                                 background=BackgroundTask(response.release))
    raise ServiceUnavailable(f"no {audience} upstream for tenant {principal.tenant} accepts "
                             "connections", retry_after=int(router.down_seconds))
