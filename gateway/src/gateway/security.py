"""Response headers a security review expects on an API, and request header limits."""

from __future__ import annotations

from opspact.errors import HeadersTooLarge, problem_response

MAX_HEADER_BYTES = 16 * 1024
MAX_HEADERS = 100
SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'"),
    (b"strict-transport-security", b"max-age=31536000; includeSubDomains"),
    (b"cache-control", b"no-store"),  # tenant data must not sit in shared caches
]


class SecurityHeaders:
    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = scope["headers"]
        if len(headers) > MAX_HEADERS or sum(len(k) + len(v) for k, v in headers) > MAX_HEADER_BYTES:
            problem = HeadersTooLarge(f"request headers exceed {MAX_HEADERS} fields or "
                                      f"{MAX_HEADER_BYTES} bytes")
            response = problem_response(problem.status, problem.title, problem.detail,
                                        problem.type_suffix, instance=scope.get("path", ""))
            return await response(scope, receive, self._with_headers(send))
        return await self.app(scope, receive, self._with_headers(send))

    @staticmethod
    def _with_headers(send):
        async def wrapped(message):
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [
                    (k, v) for k, v in SECURITY_HEADERS if k not in present]
            await send(message)
        return wrapped
