"""Proxied API calls (`/api/{service}/{path}`) answered without FastAPI's router.

Every call a client makes goes this way, so it is the gateway's hot path. py-spy under
`bench gateway-overhead` counted about a tenth of the gateway's CPU per request in what
lies between the last middleware and the endpoint (exception middleware, exit stacks, the
route scan, the endpoint wrappers), none of which a proxied call needs: the handler takes
the request and returns a response, and a Problem it raises is answered here exactly as
the app's problem handler would. It sits innermost, so the body guard, security headers,
audit trail and trace context still see every call; anything else (unknown paths, other
methods) goes on to the app. The FastAPI route stays registered with the same handler: it
documents the API and answers if this middleware is ever left out."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from opspact.errors import Problem, problem_of
from starlette.requests import Request
from starlette.responses import Response

PREFIX = "/api/"


class ApiFastPath:
    def __init__(self, app, handler: Callable[[Request], Awaitable[Response]],
                 methods: frozenset[str]) -> None:
        self.app = app
        self.handler = handler
        self.methods = methods

    async def __call__(self, scope, receive, send):
        path = scope["path"] if scope["type"] == "http" else ""
        service, slash, rest = path[len(PREFIX):].partition("/")
        if not (path.startswith(PREFIX) and service and slash and scope["method"] in self.methods):
            return await self.app(scope, receive, send)
        # the FastAPI route's path parameters, as its `{service}/{path:path}` would match them
        scope["path_params"] = {"service": service, "path": rest}
        try:
            response = await self.handler(Request(scope, receive))
        except Problem as problem:
            response = problem_of(problem, path)
        await response(scope, receive, send)
