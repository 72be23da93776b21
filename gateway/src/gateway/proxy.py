"""Forward a request to a service with the internal token and send its answer back,
through the gateway's own upstream client (opspact.upstream)."""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import quote, urlsplit

from fastapi import Request
from opspact import peers, telemetry
from opspact.auth import Principal
from opspact.errors import GatewayTimeout, ServiceUnavailable
from opspact.permissions import Route
from opspact.upstream import (
    ConnectFailed,
    Origin,
    UpstreamBroken,
    UpstreamClient,
    UpstreamTimeout,
)
from starlette.background import BackgroundTask
from starlette.responses import Response, StreamingResponse

from gateway.routing import Router
from gateway.tokencache import InternalTokens

FORWARDED_REQUEST_HEADERS = frozenset({b"content-type", b"accept", b"accept-language",
                                       b"idempotency-key", b"x-request-id",
                                       b"x-filename"})  # an uploaded file's own name
BUFFER_LIMIT = 256 * 1024  # larger answers (reports, exports) stream through
HOP_BY_HOP = frozenset({b"connection", b"keep-alive", b"transfer-encoding", b"te", b"trailer",
                        b"upgrade", b"proxy-authenticate", b"proxy-authorization",
                        b"content-length"})
CONNECT_TIMEOUT = 3.0
# what stays literal when the (decoded) path is quoted again for the request line
PATH_SAFE = "/:@!$&'()*+,;="


def new_client(max_connections: int, timeout_seconds: float) -> UpstreamClient:
    return UpstreamClient(max_connections, timeout_seconds, CONNECT_TIMEOUT)


@lru_cache(maxsize=256)
def upstream_base(url: str) -> tuple[Origin, str]:
    """A member's origin and the path prefix its URL may carry (`http://lb/ticketing`)."""
    return Origin.of(url), urlsplit(url).path.rstrip("/")


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


async def forward(request: Request, client: UpstreamClient, router: Router, path: str,
                  principal: Principal, audience: str, tokens: InternalTokens, body: bytes,
                  extra_headers: dict[str, str] | None = None, query: str | None = None) -> Response:
    """`query` replaces the request's own query string (None: pass it on)."""
    # Only listed headers pass: anything a client adds claiming to be the gateway is dropped.
    headers = [(k, v) for k, v in request.scope["headers"] if k in FORWARDED_REQUEST_HEADERS]
    ours = dict(extra_headers or {})
    ours["authorization"] = f"Bearer {tokens.for_(principal, audience)}"
    telemetry.inject(ours)
    headers += [(k.encode("latin-1"), v.encode("latin-1")) for k, v in ours.items()]
    timeout = router.route(principal.tenant, audience).timeout_seconds
    query = request.scope["query_string"].decode("latin-1") if query is None else query
    target = quote(path, safe=PATH_SAFE) + (f"?{query}" if query else "")
    for member in router.candidates(principal.tenant, audience):
        origin, prefix = upstream_base(member.url)
        try:
            answer = await client.request(origin, request.method, prefix + target, headers, body,
                                          timeout)
        except ConnectFailed:
            router.mark_down(member)  # nothing was sent: the next member may take it
            continue
        except UpstreamTimeout as exc:
            raise GatewayTimeout(f"{audience} did not answer in time") from exc
        except UpstreamBroken as exc:
            raise ServiceUnavailable(f"{audience} is unavailable", retry_after=5) from exc
        passed = [(k, v) for k, v in answer.headers if k not in HOP_BY_HOP]
        length = answer.content_length
        if length is not None and length <= BUFFER_LIMIT:
            try:
                content = await answer.read()
            except UpstreamTimeout as exc:
                raise GatewayTimeout(f"{audience} did not finish its answer in time") from exc
            except UpstreamBroken as exc:
                raise ServiceUnavailable(f"{audience} broke off its answer", retry_after=5) from exc
            finally:
                answer.release()
            response = Response(content, status_code=answer.status)
        else:
            response = StreamingResponse(answer.stream(), status_code=answer.status,
                                         background=BackgroundTask(answer.release))
        response.raw_headers.extend(passed)  # as the service sent them, repeated ones too
        return response
    raise ServiceUnavailable(f"no {audience} upstream for tenant {principal.tenant} accepts "
                             "connections", retry_after=int(router.down_seconds))
