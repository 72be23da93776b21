"""Who is calling and for which tenant."""

from __future__ import annotations

from collections.abc import Set as AbstractSet

import jwt
from fastapi import Request
from opspact.auth import CERT_TOKEN_KID, Principal, verify_cert_token, verify_dev_user_token
from opspact.errors import Forbidden, NotFound, Unauthorized, Unprocessable

from gateway import jwks
from gateway.config import GatewaySettings
from gateway.routing import Router
from gateway.tokencache import VerifiedTokens

TENANT_HEADER = "x-opspact-tenant"


async def authenticate(request: Request, settings: GatewaySettings,
                       keys: jwks.KeySet | None, own_public_key=None,
                       verified: VerifiedTokens | None = None) -> dict:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise Unauthorized("a bearer token is required")
    claims = verified.get(token) if verified is not None else None
    if claims is None:
        claims = await _verify(token, settings, keys, own_public_key)
        _check_subject(claims)
        if verified is not None:
            verified.put(token, claims)
    # identified from here on, even if refused later (another tenant, a missing role): the
    # audit records who, and only callers nobody identified count as anonymous
    request.state.subject = claims["sub"]
    return claims


# Every service records who acted in columns of this size (created_by, recorded_by, …).
MAX_SUBJECT_CHARS = 100


def _check_subject(claims: dict) -> None:
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject.strip():
        raise Unauthorized("token rejected: the sub claim must name the caller")
    if len(subject) > MAX_SUBJECT_CHARS:
        raise Unauthorized(f"token rejected: the sub claim is {len(subject)} characters; "
                           f"at most {MAX_SUBJECT_CHARS} are accepted")


async def _verify(token: str, settings: GatewaySettings, keys: jwks.KeySet | None,
                  own_public_key) -> dict:
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        raise Unauthorized(f"token rejected: {exc}") from None
    algorithm = header.get("alg")
    if header.get("kid") == CERT_TOKEN_KID and own_public_key is not None:
        return verify_cert_token(own_public_key, token)  # minted by POST /auth/cert
    if algorithm == "HS256":
        if not settings.is_dev:
            raise Unauthorized("token rejected: HS256 tokens are accepted only in dev")
        return verify_dev_user_token(settings.gateway_jwt_secret, token)
    if keys is None:
        raise Unauthorized("token rejected: no JWKS is configured (dev accepts HS256 only)")
    return await jwks.verify(token, keys, settings.gateway_jwt_issuer,
                             settings.gateway_jwt_audience)


def resolve_tenant(request: Request, claims: dict, known: AbstractSet[str]) -> Principal:
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
    amr = claims.get("amr")
    return Principal(subject=str(claims["sub"]), tenant=asked, roles=tuple(map(str, roles)),
                     amr=tuple(map(str, amr)) if isinstance(amr, list) else ())


def require_certificate_login(router: Router, tenant: str, services: tuple[str, ...], claims: dict) -> None:
    """A tenant file may require 数字证书登录 for a service (`client_cert: required` on its
    route): the token must come from POST /auth/cert. The services a route reads on the
    caller's behalf count too, so a report cannot read around the rule."""
    if "pki" in claims.get("amr", ()):
        return
    for service in services:
        if router.route(tenant, service).client_cert == "required":
            raise Unauthorized(f"tenant {tenant} requires a police PKI certificate login for {service}: "
                               "exchange your certificate at POST /auth/cert and use that token")
