"""Who is calling and for which tenant."""

from __future__ import annotations

from fastapi import Request
from opspact.auth import Principal, verify_dev_user_token
from opspact.errors import Forbidden, NotFound, Unauthorized, Unprocessable

TENANT_HEADER = "x-opspact-tenant"


def authenticate(request: Request, secret: str) -> dict:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise Unauthorized("a bearer token is required")
    return verify_dev_user_token(secret, token)


def resolve_tenant(request: Request, claims: dict, known: set[str]) -> Principal:
    """The tenant comes from the token; a token granted several names one per request."""
    granted = claims.get("tenants")
    if not isinstance(granted, list) or not all(isinstance(t, str) for t in granted) or not granted:
        raise Unauthorized("token grants no tenant")
    asked = request.headers.get(TENANT_HEADER)
    if asked is None:
        if len(granted) > 1:
            raise Unprocessable(f"token grants several tenants; name one in {TENANT_HEADER}")
        asked = granted[0]
    if asked not in known:
        raise NotFound(f"unknown tenant {asked!r}")
    if asked not in granted:
        raise Forbidden(f"token is not granted tenant {asked!r}")
    roles = claims.get("roles") or []
    if not isinstance(roles, list):
        raise Unauthorized("roles claim must be a list")
    return Principal(subject=str(claims["sub"]), tenant=asked, roles=tuple(map(str, roles)))
