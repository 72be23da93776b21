"""ASGI middleware shared by every process: body limits, JSON hygiene, tracing."""

from __future__ import annotations

import re

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.trace import Status, StatusCode

from opspact import telemetry
from opspact.errors import PayloadTooLarge, Problem, Unprocessable, UnsupportedMediaType, problem_response

MAX_BODY_BYTES = 1024 * 1024
# A JSON `\u0000` escape (preceded by an even number of backslashes): PostgreSQL
# can store NUL neither in text nor in jsonb, so it is refused at the door.
_JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")
# CSV and XLSX: bulk imports post the spreadsheet as it is. Images and PDF: evidence
# (inspection photos, screenshots) is posted as the file itself.
_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_BINARY = (_XLSX, "image/png", "image/jpeg", "application/pdf")
_ACCEPTED_TYPES = ("application/json", "application/cloudevents+json", "text/csv", *_BINARY)
# A form only where a browser without script answers: the follow-up page (the gateway's
# public door and the ticketing route behind it).
_FORM = "application/x-www-form-urlencoded"
_FORM_ROUTES = re.compile(r"^(?:/f/[^/]+/[^/]+|(?:/api/ticketing)?/follow-ups/answer/[^/]+)$")
# Routes that take a file as it is, of any type (the service decides from its bytes), and
# bigger than a JSON body may be: a ticket's attachments, a deliverable's versions, a
# person's document scans.
LARGE_BODY_BYTES = 25 * 1024 * 1024
_FILE_ROUTES = re.compile(
    r"^(?:/api/ticketing)?/(?:tickets/[^/]+/attachments|deliverables/[^/]+/[^/]+/versions)$"
    r"|^(?:/api/inventory)?/staff/[^/]+/documents/[^/]+$")


async def _send_problem(scope, receive, send, problem: Problem) -> None:
    response = problem_response(problem.status, problem.title, problem.detail,
                                problem.type_suffix, instance=scope.get("path", ""))
    await response(scope, receive, send)


_WITH_BODY = ("POST", "PUT", "PATCH")


def _carries_body(headers: list[tuple[bytes, bytes]]) -> bool:
    for name, value in headers:
        if name == b"transfer-encoding" or (name == b"content-length" and value.strip() != b"0"):
            return True
    return False


class BodyGuard:
    """Refuse oversized bodies (413), bodies of a type no route takes (415)
    and NUL characters (422) before any handler or database sees them. A GET, HEAD,
    DELETE or OPTIONS request carrying a body is refused (400) from its headers, unread:
    no route takes one, and a proxy that buffered it would hold whatever a client sends."""

    def __init__(self, app, max_bytes: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        if scope["method"] not in _WITH_BODY:
            if _carries_body(scope["headers"]):
                return await _send_problem(scope, receive, send, Problem(
                    f"a {scope['method']} request carries no body here; send it without one"))
            return await self.app(scope, receive, send)
        headers = dict(scope["headers"])
        takes_file = scope["method"] == "POST" and _FILE_ROUTES.match(scope["path"]) is not None
        limit = LARGE_BODY_BYTES if takes_file else self.max_bytes
        declared = headers.get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            return await _send_problem(scope, receive, send, PayloadTooLarge(
                f"request body exceeds {limit} bytes"))
        body = bytearray()
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > limit:
                return await _send_problem(scope, receive, send, PayloadTooLarge(
                    f"request body exceeds {limit} bytes"))
        ctype = headers.get(b"content-type", b"").split(b";")[0].strip().decode("latin-1").lower()
        # A file (takes_file) is of any type, NUL bytes included: the service judges it by its bytes.
        takes_form = ctype == _FORM and _FORM_ROUTES.match(scope["path"]) is not None
        if body and not takes_file and not takes_form and ctype not in _ACCEPTED_TYPES:
            return await _send_problem(scope, receive, send, UnsupportedMediaType(
                f"content type {ctype or '(none)'!r} is not accepted; send application/json "
                "(or CSV / XLSX to an import, PNG / JPEG / PDF as evidence)"))
        # Binary by nature; XLSX text cells are checked when read.
        if not takes_file and ctype not in _BINARY and (_JSON_NUL.search(body) or b"\x00" in body):
            return await _send_problem(scope, receive, send, Unprocessable(
                "NUL characters (\\u0000) are not allowed in text"))
        replayed = False

        async def replay():
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": bytes(body), "more_body": False}

        return await self.app(scope, replay, send)


TRACE_HEADERS = frozenset({b"traceparent", b"tracestate", b"baggage"})


class TraceContext:
    """Continue the caller's W3C trace (traceparent) in a server span.

    The span is started and made current by hand (`telemetry.start_server_span`): the
    SDK's `start_as_current_span` wraps the same calls in two context-manager layers, which
    py-spy counted at about a twentieth of the gateway's CPU per proxied request."""

    def __init__(self, app, name: str) -> None:
        self.app = app
        self.tracer = telemetry.tracer(name)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        # only the trace headers: decoding every header of every request showed in profiles
        headers = {k.decode("latin-1"): v.decode("latin-1")
                   for k, v in scope["headers"] if k in TRACE_HEADERS}
        parent = telemetry.extract(headers) if headers else None
        span = telemetry.start_server_span(self.tracer, f"{scope['method']} {scope['path']}",
                                           parent)
        token = otel_context.attach(trace.set_span_in_context(span, parent))
        try:
            await self.app(scope, receive, send)
        except BaseException as exc:
            if span.is_recording():
                span.record_exception(exc)
                span.set_status(Status(StatusCode.ERROR, f"{type(exc).__name__}: {exc}"))
            raise
        finally:
            span.end()
            otel_context.detach(token)
