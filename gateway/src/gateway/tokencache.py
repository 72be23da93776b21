"""Per-process caches that spare the per-request signing and verifying.

- Internal tokens live 60 s; one minted for (principal, audience) is reused for its
  first 30 s, so a busy caller costs one Ed25519 signature every half minute.
- A verified user token's claims are kept until the token's own `exp` (never
  longer), keyed by the exact token text: the same bytes verify the same way.
  Bounded in size; the oldest entries go first."""

from __future__ import annotations

import time
from collections import OrderedDict

from opspact.auth import INTERNAL_TTL_SECONDS, Principal, issue_internal

REUSE_SECONDS = INTERNAL_TTL_SECONDS / 2


class InternalTokens:
    def __init__(self, private_key: str, max_entries: int = 10_000) -> None:
        self.private_key = private_key
        self.max_entries = max_entries
        self._tokens: OrderedDict[tuple, tuple[str, float]] = OrderedDict()

    def for_(self, principal: Principal, audience: str, actor: str | None = None) -> str:
        key = (principal.subject, principal.tenant, principal.roles, principal.amr, audience, actor)
        now = time.monotonic()
        cached = self._tokens.get(key)
        if cached is not None and now - cached[1] < REUSE_SECONDS:
            return cached[0]
        token = issue_internal(self.private_key, principal, audience, actor)
        self._tokens[key] = (token, now)
        self._tokens.move_to_end(key)
        while len(self._tokens) > self.max_entries:
            self._tokens.popitem(last=False)
        return token


class VerifiedTokens:
    def __init__(self, max_entries: int = 10_000) -> None:
        self.max_entries = max_entries
        self._claims: OrderedDict[str, dict] = OrderedDict()

    def get(self, token: str) -> dict | None:
        claims = self._claims.get(token)
        if claims is None:
            return None
        if claims.get("exp", 0) <= time.time():
            del self._claims[token]
            return None
        return claims

    def put(self, token: str, claims: dict) -> None:
        self._claims[token] = claims
        while len(self._claims) > self.max_entries:
            self._claims.popitem(last=False)
