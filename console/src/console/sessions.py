"""Signed-in people, kept server-side: the browser holds only a random session id in an
HttpOnly cookie; the user's token never reaches it.

One process keeps its sessions in memory (run one console replica, or pin a user to a
replica at the load balancer); a restart signs everyone out, which for a console that
holds bearer tokens is the safe failure. The store is bounded: past `max_sessions` the
least recently used session is dropped."""

from __future__ import annotations

import secrets
import time
from collections import OrderedDict
from dataclasses import dataclass, field

from opspact.permissions import PERMISSIONS


@dataclass
class Session:
    id: str
    token: str
    subject: str
    tenants: tuple[str, ...]
    roles: tuple[str, ...]
    method: str  # dev, oidc or pki: how the person signed in
    tenant: str
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    created: float = field(default_factory=time.monotonic)
    used: float = field(default_factory=time.monotonic)
    token_expires_at: float | None = None  # epoch seconds (the token's exp)
    refresh_token: str | None = None  # OIDC: renews the access token before it expires
    id_token: str | None = None  # OIDC: the hint for signing out at the provider

    def may(self, permission: str) -> bool:
        """Whether the API would let this person do it (the product's one permission
        table): pages offer only the buttons that would not be refused."""
        return bool(PERMISSIONS[permission] & set(self.roles))


class SessionStore:
    def __init__(self, idle_seconds: int, absolute_seconds: int, max_sessions: int) -> None:
        self.idle_seconds = idle_seconds
        self.absolute_seconds = absolute_seconds
        self.max_sessions = max_sessions
        self._sessions: OrderedDict[str, Session] = OrderedDict()

    def open(self, *, token: str, subject: str, tenants: list[str], roles: list[str], method: str,
             token_expires_at: float | None = None, refresh_token: str | None = None,
             id_token: str | None = None) -> Session:
        session = Session(id=secrets.token_urlsafe(32), token=token, subject=subject,
                          tenants=tuple(tenants), roles=tuple(roles), method=method,
                          tenant=tenants[0], token_expires_at=token_expires_at,
                          refresh_token=refresh_token, id_token=id_token)
        self._sessions[session.id] = session
        while len(self._sessions) > self.max_sessions:
            self._sessions.popitem(last=False)
        return session

    def get(self, session_id: str | None) -> Session | None:
        if not session_id:
            return None
        session = self._sessions.get(session_id)
        if session is None:
            return None
        now = time.monotonic()
        expired = (now - session.used > self.idle_seconds
                   or now - session.created > self.absolute_seconds
                   or (session.token_expires_at is not None and session.refresh_token is None
                       and time.time() >= session.token_expires_at))
        if expired:
            self.close(session_id)
            return None
        session.used = now
        self._sessions.move_to_end(session_id)
        return session

    def close(self, session_id: str) -> None:
        self._sessions.pop(session_id, None)

    def __len__(self) -> int:
        return len(self._sessions)
