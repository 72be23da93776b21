"""User and system tokens: JWTs verified against the identity provider's JWKS.

- Keys are found by `kid`. Each key has exactly one algorithm — the JWK's `alg`, or
  the one its type implies (RSA → RS256, EC P-256 → ES256, Ed25519 → EdDSA) — and a
  token must name that algorithm: `none`, HS256 signed with a public key, or an RSA
  key used for PS256 are all refused before any signature is checked.
- `iss`, `aud`, `exp`, `iat` and `sub` are required; `iat` in the future beyond the
  leeway is refused; a `crit` header is refused (no extension is understood).
- The key set is refetched when it is older than `refresh_seconds`, and for an
  unknown `kid` at most once per `min_refetch_seconds` (an attacker spraying random
  kids cannot make us hammer the identity provider). When the source is down the
  cached keys keep working.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from pathlib import Path

import httpx
import jwt
from opspact import metrics
from opspact.errors import Unauthorized

log = logging.getLogger(__name__)
ACCEPTED = ("RS256", "ES256", "EdDSA")
LEEWAY_SECONDS = 30
REQUIRED = ["exp", "iat", "aud", "iss", "sub"]
_IMPLIED = {("RSA", None): "RS256", ("EC", "P-256"): "ES256", ("OKP", "Ed25519"): "EdDSA"}


def key_algorithm(jwk: dict) -> str | None:
    """The one algorithm a JWK may verify, or None if we accept none for it."""
    if "alg" in jwk:
        return jwk["alg"] if jwk["alg"] in ACCEPTED else None
    return _IMPLIED.get((jwk.get("kty"), jwk.get("crv")))


class KeySet:
    def __init__(self, source: str, refresh_seconds: float = 300,
                 min_refetch_seconds: float = 30) -> None:
        self.source = source
        self.refresh_seconds = refresh_seconds
        self.min_refetch_seconds = min_refetch_seconds
        self.keys: dict[str, tuple[str, object]] = {}  # kid → (algorithm, public key)
        self.fetched_at = 0.0
        self.attempted_at = float("-inf")
        self.last_error: str | None = None
        self._lock = asyncio.Lock()

    async def _load(self) -> dict:
        if self.source.startswith(("http://", "https://")):
            async with httpx.AsyncClient(timeout=5) as client:
                response = await client.get(self.source)
                response.raise_for_status()
                return response.json()
        return json.loads(Path(self.source).read_text(encoding="utf-8"))

    async def refresh(self) -> None:
        async with self._lock:
            self.attempted_at = time.monotonic()
            try:
                document = await self._load()
                keys = {}
                for entry in document.get("keys", []):
                    algorithm = key_algorithm(entry)
                    if not entry.get("kid") or algorithm is None or entry.get("use", "sig") != "sig":
                        continue
                    keys[entry["kid"]] = (algorithm, jwt.PyJWK.from_dict(entry, algorithm).key)
            except Exception as exc:  # source down or garbled: keep what we have
                self.last_error = f"{type(exc).__name__}: {exc}"
                metrics.KEY_REFRESH_FAILURES.labels("jwks").inc()
                log.warning("JWKS %s could not be refreshed: %s", self.source, self.last_error)
                return
            self.keys, self.fetched_at, self.last_error = keys, time.monotonic(), None
            metrics.KEY_REFRESHED.labels("jwks").set_to_current_time()

    async def find(self, kid: str) -> tuple[str, object] | None:
        now = time.monotonic()
        if now - self.fetched_at > self.refresh_seconds and \
                now - self.attempted_at > self.min_refetch_seconds:
            await self.refresh()
        elif kid not in self.keys and now - self.attempted_at > self.min_refetch_seconds:
            await self.refresh()  # rotation: a key we have not seen yet
        return self.keys.get(kid)


async def verify(token: str, keys: KeySet, issuer: str, audience: str) -> dict:
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        raise Unauthorized(f"token rejected: {exc}") from None
    algorithm = header.get("alg")
    if algorithm not in ACCEPTED:
        raise Unauthorized(f"token rejected: algorithm {algorithm!r} is not accepted "
                           f"({', '.join(ACCEPTED)})")
    if "crit" in header:
        raise Unauthorized(f"token rejected: critical header extensions {header['crit']!r} "
                           "are not understood")
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        raise Unauthorized("token rejected: no kid in the header")
    found = await keys.find(kid)
    if found is None:
        raise Unauthorized(f"token rejected: unknown key {kid!r}")
    key_alg, key = found
    if key_alg != algorithm:
        raise Unauthorized(f"token rejected: key {kid!r} is for {key_alg}, not {algorithm}")
    try:
        return jwt.decode(token, key, algorithms=[key_alg], audience=audience, issuer=issuer,
                          leeway=LEEWAY_SECONDS, options={"require": REQUIRED})
    except jwt.PyJWTError as exc:
        raise Unauthorized(f"token rejected: {exc}") from None
