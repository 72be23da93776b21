"""What a browser-facing app owes its users: a strict CSP (no inline script, no other
origin — government intranets have no internet, and an injected script has nowhere to
load from), no caching of pages that carry tenant data, long caching of versioned static
files, and a refusal of any state change that is not from our own pages (Origin check plus
a per-session CSRF token, as OWASP's cheat sheet recommends both)."""

from __future__ import annotations

import hmac

from starlette.requests import Request

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
       "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
       "form-action 'self'{also}; frame-ancestors 'none'")
STATIC_PREFIX = "/console/static/"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"


class BrowserHeaders:
    """Security and cache headers on every answer of the console."""

    def __init__(self, app, form_targets: tuple[str, ...] = ()) -> None:
        """`form_targets`: other origins a form may end up at — the identity provider, as
        signing out redirects there (browsers hold a form's redirects to form-action)."""
        self.app = app
        self.csp = CSP.format(also="".join(f" {origin}" for origin in form_targets)).encode()

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        static = scope["path"].startswith(STATIC_PREFIX)

        async def with_headers(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                ours = [(b"content-security-policy", self.csp),
                        (b"x-content-type-options", b"nosniff"),
                        (b"x-frame-options", b"DENY"),
                        (b"referrer-policy", b"same-origin"),
                        (b"cache-control", b"public, max-age=86400" if static else b"no-store")]
                message["headers"] = headers + [(k, v) for k, v in ours if k not in present]
            await send(message)

        return await self.app(scope, receive, with_headers)


def same_origin(request: Request, public_origin: str) -> bool:
    """The request comes from a page of our own origin. Browsers send Origin on every
    POST; a missing one (an old client, a script) is refused rather than trusted."""
    origin = request.headers.get("origin")
    return origin is not None and origin.rstrip("/") == public_origin


def csrf_matches(expected: str, presented: str | None) -> bool:
    return bool(presented) and hmac.compare_digest(expected.encode(), presented.encode())
