"""Tokens: the gateway's short-lived internal token (Ed25519, audience = service) and,
in dev only, HS256 user tokens minted by `opspact token issue`."""

from __future__ import annotations

import re
import time
import uuid
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from opspact.errors import Unauthorized

INTERNAL_ISSUER = "opspact-gateway"
INTERNAL_TTL_SECONDS = 60
USER_ISSUER = "opspact-dev"
USER_AUDIENCE = "opspact"
LEEWAY_SECONDS = 30
ROLES = ("client_admin", "client_viewer", "vendor_engineer", "vendor_manager", "finance",
         "auditor", "integration", "platform_admin")


@dataclass(frozen=True)
class Principal:
    subject: str
    tenant: str
    roles: tuple[str, ...] = field(default_factory=tuple)
    # The service presenting a delegated token on the caller's behalf (RFC 8693 `act`):
    # such a token reads only (opspact.app.current_principal enforces it).
    actor: str | None = None
    # How the person proved who they are (RFC 8176): ("pki",) for 数字证书登录. A sign-off
    # records it, and a tenant may require it there.
    amr: tuple[str, ...] = ()

    def has_any(self, *roles: str) -> bool:
        return bool(set(roles) & set(self.roles))


def generate_keypair() -> tuple[str, str]:
    """(private PEM, public PEM) for the internal token."""
    key = Ed25519PrivateKey.generate()
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return private, public


def ensure_keypair(directory: Path) -> tuple[str, str]:
    """Dev convenience: a keypair kept under the stack's data directory."""
    directory.mkdir(parents=True, exist_ok=True)
    priv, pub = directory / "internal-key.pem", directory / "internal-key.pub.pem"
    if not priv.exists():
        private, public = generate_keypair()
        priv.write_text(private)
        priv.chmod(0o600)
        pub.write_text(public)
    return priv.read_text(), pub.read_text()


def load_pem(value: str) -> str:
    """Settings may hold the PEM itself or a path to it."""
    if value.strip().startswith("-----BEGIN"):
        return value
    return Path(value).read_text()


def issue_internal(private_pem: str, principal: Principal, audience: str,
                   actor: str | None = None) -> str:
    """`actor`: the service that will present this token for the principal (delegation)."""
    now = int(time.time())
    claims = {"iss": INTERNAL_ISSUER, "aud": audience, "sub": principal.subject,
              "tenant": principal.tenant, "roles": list(principal.roles),
              "iat": now, "exp": now + INTERNAL_TTL_SECONDS, "jti": uuid.uuid4().hex}
    if actor:
        claims["act"] = {"sub": actor}
    if principal.amr:
        claims["amr"] = list(principal.amr)
    return jwt.encode(claims, private_pem, algorithm="EdDSA")


PEM_BLOCK = re.compile(r"-----BEGIN PUBLIC KEY-----.+?-----END PUBLIC KEY-----", re.S)


@lru_cache(maxsize=8)
def public_keys(pem: str) -> list[str]:
    """The keys of a PEM bundle: during a rotation of the gateway's internal key the services
    hold the new key and the old one (docs/operations.md), so tokens of either verify."""
    return PEM_BLOCK.findall(pem) or [pem]


def verify_internal(public_pem: str, token: str, audience: str) -> Principal:
    claims, error = None, None
    for key in public_keys(public_pem):
        try:
            claims = jwt.decode(token, key, algorithms=["EdDSA"], audience=audience,
                                issuer=INTERNAL_ISSUER, leeway=5,
                                options={"require": ["exp", "iat", "aud", "iss", "sub"]})
            break
        except jwt.InvalidSignatureError as exc:  # perhaps the other key of the bundle
            error = exc
        except jwt.PyJWTError as exc:
            raise Unauthorized(f"internal token rejected: {exc}") from exc
    if claims is None:
        raise Unauthorized(f"internal token rejected: {error}")
    tenant = claims.get("tenant")
    if not isinstance(tenant, str) or not tenant:
        raise Unauthorized("internal token carries no tenant")
    act = claims.get("act")
    actor = act.get("sub") if isinstance(act, dict) else None
    if act is not None and not (isinstance(actor, str) and actor):
        raise Unauthorized("internal token names no acting service in its act claim")
    amr = claims.get("amr") or ()
    return Principal(claims["sub"], tenant, tuple(claims.get("roles") or ()), actor,
                     tuple(map(str, amr)) if isinstance(amr, list) else ())


def issue_dev_user_token(secret: str, subject: str, tenants: list[str], roles: list[str],
                         ttl_seconds: int = 8 * 3600) -> str:
    now = int(time.time())
    claims = {"iss": USER_ISSUER, "aud": USER_AUDIENCE, "sub": subject, "tenants": tenants,
              "roles": roles, "iat": now, "exp": now + ttl_seconds}
    return jwt.encode(claims, secret, algorithm="HS256")


# A dev token is signed with a shared secret: whoever holds one holds it until it expires,
# so even in dev it may not live longer than this (a year-9999 `exp` was accepted).
MAX_DEV_TOKEN_SECONDS = 7 * 24 * 3600


def verify_dev_user_token(secret: str, token: str) -> dict:
    try:
        claims = jwt.decode(token, secret, algorithms=["HS256"], audience=USER_AUDIENCE,
                            issuer=USER_ISSUER, leeway=LEEWAY_SECONDS,
                            options={"require": ["exp", "iat", "aud", "iss", "sub"]})
    except jwt.PyJWTError as exc:
        raise Unauthorized(f"token rejected: {exc}") from exc
    if claims["exp"] - claims["iat"] > MAX_DEV_TOKEN_SECONDS or claims["iat"] > time.time() + LEEWAY_SECONDS:
        raise Unauthorized(f"token rejected: a dev token lives at most {MAX_DEV_TOKEN_SECONDS // 3600} h "
                           "from an iat not in the future")
    return claims


# -- 数字证书登录: the token the gateway exchanges a verified police PKI certificate for --------
CERT_TOKEN_ISSUER = "opspact-gateway/pki"
CERT_TOKEN_KID = "opspact-gateway-pki"


def verify_cert_token(public_key, token: str) -> dict:
    """A certificate login token (gateway.pki mints them with its internal key)."""
    try:
        return jwt.decode(token, public_key, algorithms=["EdDSA"], audience="opspact",
                          issuer=CERT_TOKEN_ISSUER, leeway=LEEWAY_SECONDS,
                          options={"require": ["exp", "iat", "aud", "iss", "sub"]})
    except jwt.PyJWTError as exc:
        raise Unauthorized(f"token rejected: {exc}") from None
