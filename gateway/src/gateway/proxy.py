"""Forward a request to a service with the internal token, streaming the answer back."""

from __future__ import annotations

import httpx
from fastapi import Request
from opspact import telemetry
from opspact.auth import Principal
from opspact.errors import GatewayTimeout, ServiceUnavailable
from starlette.background import BackgroundTask
from starlette.responses import Response, StreamingResponse

from gateway.routing import Router
from gateway.tokencache import InternalTokens

FORWARDED_REQUEST_HEADERS = ("content-type", "accept", "accept-language", "idempotency-key",
                             "x-request-id")
BUFFER_LIMIT = 256 * 1024  # larger answers (reports, exports) stream through
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade",
              "proxy-authenticate", "proxy-authorization", "content-length"}


async def forward(request: Request, client: httpx.AsyncClient, router: Router, path: str,
                  principal: Principal, audience: str, tokens: InternalTokens, body: bytes,
                  extra_headers: dict[str, str] | None = None) -> Response:
    # Only listed headers pass: anything a client adds claiming to be the gateway is dropped.
    headers = {k: v for k, v in request.headers.items() if k in FORWARDED_REQUEST_HEADERS}
    headers.update(extra_headers or {})
    headers["authorization"] = f"Bearer {tokens.for_(principal, audience)}"
    telemetry.inject(headers)
    route = router.route(principal.tenant, audience)
    timeout = (httpx.Timeout(route.timeout_seconds, connect=3) if route.timeout_seconds
               else httpx.USE_CLIENT_DEFAULT)
    for member in router.candidates(principal.tenant, audience):
        outgoing = client.build_request(request.method, f"{member.url}{path}", timeout=timeout,
                                        params=request.query_params, headers=headers,
                                        content=body)
        try:
            response = await client.send(outgoing, stream=True)
        except (httpx.ConnectError, httpx.ConnectTimeout):
            router.mark_down(member)  # nothing was sent: the next member may take it
            continue
        except httpx.TimeoutException as exc:
            raise GatewayTimeout(f"{audience} did not answer in time") from exc
        except httpx.TransportError as exc:
            raise ServiceUnavailable(f"{audience} is unavailable", retry_after=5) from exc
        passed = {k: v for k, v in response.headers.items() if k.lower() not in HOP_BY_HOP}
        if int(response.headers.get("content-length", BUFFER_LIMIT + 1)) <= BUFFER_LIMIT:
            # Small answers (nearly all API JSON) are read whole: a streamed response
            # costs a task group and a stream per request.
            try:
                content = await response.aread()
            finally:
                await response.aclose()
            return Response(content, status_code=response.status_code, headers=passed)
        return StreamingResponse(response.aiter_raw(), status_code=response.status_code,
                                 headers=passed, background=BackgroundTask(response.aclose))
    raise ServiceUnavailable(f"no {audience} upstream for tenant {principal.tenant} accepts "
                             "connections", retry_after=int(router.down_seconds))
