"""Domain errors rendered once as RFC 9457 `application/problem+json`."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse

PROBLEM_JSON = "application/problem+json"
log = logging.getLogger(__name__)


class Problem(Exception):
    status = 400
    title = "Bad request"
    type_suffix = "bad-request"

    def __init__(self, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra
        self.headers: dict[str, str] = {}


class Unauthorized(Problem):
    status, title, type_suffix = 401, "Unauthorized", "unauthorized"


class Forbidden(Problem):
    status, title, type_suffix = 403, "Forbidden", "forbidden"


class NotFound(Problem):
    status, title, type_suffix = 404, "Not found", "not-found"


class Conflict(Problem):
    status, title, type_suffix = 409, "Conflict", "conflict"


class Gone(Problem):
    """Something that existed and no longer answers (an expired one-time link)."""
    status, title, type_suffix = 410, "Gone", "gone"


class PayloadTooLarge(Problem):
    status, title, type_suffix = 413, "Payload too large", "payload-too-large"


class UnsupportedMediaType(Problem):
    status, title, type_suffix = 415, "Unsupported media type", "unsupported-media-type"


class Unprocessable(Problem):
    status, title, type_suffix = 422, "Unprocessable content", "validation"


class TooManyRequests(Problem):
    status, title, type_suffix = 429, "Too many requests", "rate-limited"

    def __init__(self, detail: str, retry_after: int = 1, **extra: Any) -> None:
        super().__init__(detail, **extra)
        self.headers["Retry-After"] = str(retry_after)


class HeadersTooLarge(Problem):
    status, title, type_suffix = 431, "Request header fields too large", "headers-too-large"


class ServiceUnavailable(Problem):
    status, title, type_suffix = 503, "Service unavailable", "unavailable"

    def __init__(self, detail: str, retry_after: int = 5, **extra: Any) -> None:
        super().__init__(detail, **extra)
        self.headers["Retry-After"] = str(retry_after)


class GatewayTimeout(Problem):
    status, title, type_suffix = 504, "Gateway timeout", "timeout"


def problem_response(
    status: int, title: str, detail: str, type_suffix: str, instance: str = "",
    headers: dict[str, str] | None = None, **extra: Any,
) -> JSONResponse:
    body = {"type": f"https://opspact.dev/problems/{type_suffix}", "title": title,
            "status": status, "detail": detail}
    if instance:
        body["instance"] = instance
    body.update(extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def problem_of(exc: Problem, instance: str) -> JSONResponse:
    """The problem+json answer for a raised Problem."""
    return problem_response(exc.status, exc.title, exc.detail, exc.type_suffix, instance,
                            headers=exc.headers or None, **exc.extra)


def _field_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    errors = []
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ())]
        errors.append({"field": ".".join(loc), "message": err.get("msg", "invalid")})
    return errors


def install_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(Problem)
    async def _problem(request: Request, exc: Problem) -> JSONResponse:
        return problem_of(exc, request.url.path)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = _field_errors(exc)
        detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors) or "invalid request"
        return problem_response(422, "Unprocessable content", detail, "validation",
                                request.url.path, errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return problem_response(exc.status_code, str(exc.detail), str(exc.detail), "http",
                                request.url.path, headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return problem_response(500, "Internal error", "an unexpected error occurred",
                                "internal", request.url.path)
