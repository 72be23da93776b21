"""Browser paths (`/`, `/console/…`) forwarded to the web console: one origin for people,
so the console's cookies, CSRF Origin check and CSP all name the gateway's address.

The console authenticates people itself (its session cookie) and calls `/api/…` back with
each person's own token, so this forward adds no identity and checks none: it passes the
browser's request and the console's answer through, with the body limits a browser form
needs (attachments up to the API's own 25 MiB). It sits outside the audit trail — the
console's calls to the API are audited there with the person's identity — and the event
stream gets a long deadline (the console ends each stream after a few minutes).

数字证书登录: on `/console/signin/cert` the gateway checks the certificate presented to it
(its own TLS handshake, or the front proxy's header) as `POST /auth/cert` does, and hands
the console the token it mints (`x-opspact-cert-token`) — or why it refused
(`x-opspact-cert-error`). Browsers cannot set these: only the listed headers pass."""

from __future__ import annotations

import re
from urllib.parse import quote

from opspact.errors import GatewayTimeout, PayloadTooLarge, Problem, ServiceUnavailable, problem_of
from opspact.http import LARGE_BODY_BYTES, MAX_BODY_BYTES
from opspact.upstream import (
    ConnectFailed,
    Origin,
    UpstreamBroken,
    UpstreamClient,
    UpstreamTimeout,
)
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from gateway.proxy import BUFFER_LIMIT, HOP_BY_HOP, PATH_SAFE

PASSED_REQUEST_HEADERS = frozenset({
    b"cookie", b"content-type", b"accept", b"accept-language", b"origin", b"referer",
    b"user-agent", b"last-event-id", b"x-csrf-token", b"x-request-id", b"hx-request",
    b"hx-target", b"hx-trigger", b"hx-trigger-name", b"hx-current-url", b"hx-boosted",
    b"hx-history-restore-request", b"hx-prompt", b"traceparent"})
OWN_HEADERS = frozenset({b"date", b"server"})  # the gateway's own server writes these
METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE"})
# forms that carry files: a ticket's attachment, a round's photos (a phone's are 2–5 MB
# each), an attendance export; other forms are small
FILE_PATHS = re.compile(r"^/console/(?:tickets/[^/]+/attachments|inspections/[^/]+|duty/import)$")
STREAM_PATHS = frozenset({"/console/events"})
STREAM_DEADLINE_SECONDS = 3600.0
PAGE_DEADLINE_SECONDS = 30.0
MULTIPART_SLACK = 64 * 1024  # a file's form fields and boundaries around it
CERT_PATH = "/console/signin/cert"
CERT_TOKEN_HEADER = b"x-opspact-cert-token"
CERT_ERROR_HEADER = b"x-opspact-cert-error"


def is_browser_path(path: str) -> bool:
    return path == "/" or path == "/console" or path.startswith("/console/")


class ConsoleForward:
    def __init__(self, app, console_url: str, client_of, certificate_login=None) -> None:
        """`client_of()` gives the gateway's upstream client once the app has started;
        `certificate_login(request)` a certificate login token, or raises a Problem."""
        self.app = app
        self.origin = Origin.of(console_url) if console_url else None
        self.client_of = client_of
        self.certificate_login = certificate_login

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or self.origin is None or not is_browser_path(scope["path"]):
            return await self.app(scope, receive, send)
        try:
            response = await self._forward(scope, receive)
        except Problem as problem:
            response = problem_of(problem, scope["path"])
        await response(scope, receive, send)

    async def _forward(self, scope, receive) -> Response:
        method, path = scope["method"], scope["path"]
        if method not in METHODS:
            return Response(status_code=405, headers={"allow": ", ".join(sorted(METHODS))})
        limit = LARGE_BODY_BYTES + MULTIPART_SLACK if FILE_PATHS.match(path) else MAX_BODY_BYTES
        body = await _read_body(receive, limit)
        headers = [(k, v) for k, v in scope["headers"] if k in PASSED_REQUEST_HEADERS]
        client = scope.get("client")
        headers.append((b"x-forwarded-for", (client[0] if client else "").encode("latin-1")))
        headers.append((b"x-forwarded-proto", scope.get("scheme", "http").encode("latin-1")))
        if path == CERT_PATH and self.certificate_login is not None:
            headers.append(self._certificate(scope, receive))
        query = scope.get("query_string", b"").decode("latin-1")
        target = quote(path, safe=PATH_SAFE) + (f"?{query}" if query else "")
        deadline = STREAM_DEADLINE_SECONDS if path in STREAM_PATHS else PAGE_DEADLINE_SECONDS
        upstream: UpstreamClient = self.client_of()
        try:
            answer = await upstream.request(self.origin, method, target, headers, body, deadline)
        except ConnectFailed as exc:
            raise ServiceUnavailable("the console is unavailable", retry_after=5) from exc
        except UpstreamTimeout as exc:
            raise GatewayTimeout("the console did not answer in time") from exc
        except UpstreamBroken as exc:
            raise ServiceUnavailable("the console broke off its answer", retry_after=5) from exc
        length = answer.content_length
        if length is not None and length <= BUFFER_LIMIT:  # a page: whole, not chunked
            try:
                content = await answer.read()
            except UpstreamTimeout as exc:
                raise GatewayTimeout("the console did not finish its answer in time") from exc
            except UpstreamBroken as exc:
                raise ServiceUnavailable("the console broke off its answer", retry_after=5) from exc
            finally:
                answer.release()
            response = Response(content, status_code=answer.status)
        else:  # the event stream, a download
            response = StreamingResponse(answer.stream(), status_code=answer.status,
                                         background=BackgroundTask(answer.release))
        response.raw_headers.extend((k, v) for k, v in answer.headers
                                    if k not in HOP_BY_HOP and k not in OWN_HEADERS)
        return response


    def _certificate(self, scope, receive) -> tuple[bytes, bytes]:
        try:
            return CERT_TOKEN_HEADER, self.certificate_login(Request(scope, receive)).encode("ascii")
        except Problem as refused:
            return CERT_ERROR_HEADER, quote(refused.detail[:500]).encode("ascii")


async def _read_body(receive, limit: int) -> bytes:
    body = bytearray()
    more = True
    while more:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        body += message.get("body", b"")
        more = message.get("more_body", False)
        if len(body) > limit:
            raise PayloadTooLarge(f"request body exceeds {limit} bytes")
    return bytes(body)
