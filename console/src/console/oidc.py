"""Sign-in with the organisation's identity provider: OpenID Connect authorization code
with PKCE (S256), state and nonce; the ID token verified against the provider's keys; the
access token refreshed before it expires; sign-out ends the session at the provider too.

The provider issues `tenants` and `roles` claims and access tokens for `aud=opspact`,
which the gateway verifies against the same provider's JWKS (gateway.jwks). The console
keeps the tokens server-side (console.sessions); the browser never sees them."""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from dataclasses import dataclass
from urllib.parse import urlencode

import httpx
import jwt

from console.config import ConsoleSettings

PENDING_SECONDS = 600
MAX_PENDING = 10_000
REFRESH_MARGIN_SECONDS = 60
DISCOVERY_SECONDS = 3600
ID_TOKEN_ALGORITHMS = ["RS256", "ES256", "EdDSA", "PS256"]


class SignInFailed(Exception):
    """The provider refused, or its answer does not hold up; the message says which."""


@dataclass
class Pending:
    verifier: str
    nonce: str
    expires: float


@dataclass
class Tokens:
    access_token: str
    expires_at: float
    refresh_token: str | None
    id_token: str | None
    claims: dict


def _challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


class OidcClient:
    def __init__(self, settings: ConsoleSettings) -> None:
        self.settings = settings
        self.issuer = settings.console_oidc_issuer.rstrip("/")
        self.redirect_uri = f"{settings.public_origin}/console/oidc/callback"
        self.http = httpx.AsyncClient(timeout=10)
        self._pending: dict[str, Pending] = {}
        self._metadata: dict | None = None
        self._metadata_at = 0.0
        self._keys: dict[str, jwt.PyJWK] = {}

    async def close(self) -> None:
        await self.http.aclose()

    async def metadata(self) -> dict:
        if self._metadata is None or time.monotonic() - self._metadata_at > DISCOVERY_SECONDS:
            try:
                answer = await self.http.get(f"{self.issuer}/.well-known/openid-configuration")
                answer.raise_for_status()
                found = answer.json()
            except (httpx.HTTPError, ValueError) as exc:
                raise SignInFailed(f"身份认证服务不可用：{exc}") from exc
            if found.get("issuer", "").rstrip("/") != self.issuer:
                raise SignInFailed("身份认证服务的 issuer 与配置不符")
            self._metadata, self._metadata_at = found, time.monotonic()
        return self._metadata

    # -- the way out to the provider and back --------------------------------------
    async def authorization_url(self) -> tuple[str, str]:
        """(the provider's address to send the browser to, the state that binds it)."""
        meta = await self.metadata()
        now = time.monotonic()
        for state in [s for s, p in self._pending.items() if p.expires < now]:
            del self._pending[state]
        if len(self._pending) >= MAX_PENDING:
            raise SignInFailed("登录请求过多，请稍后再试")
        state, nonce, verifier = (secrets.token_urlsafe(32), secrets.token_urlsafe(32),
                                  secrets.token_urlsafe(64))
        self._pending[state] = Pending(verifier, nonce, now + PENDING_SECONDS)
        scopes = self.settings.console_oidc_scopes
        params = {"response_type": "code", "client_id": self.settings.console_oidc_client_id,
                  "redirect_uri": self.redirect_uri, "scope": scopes, "state": state, "nonce": nonce,
                  "code_challenge": _challenge(verifier), "code_challenge_method": "S256"}
        if self.settings.console_oidc_resource:
            params["resource"] = self.settings.console_oidc_resource
        if "offline_access" in scopes.split():
            params["prompt"] = "consent"  # OpenID Connect Core 11: offline access asks consent
        return f"{meta['authorization_endpoint']}?{urlencode(params)}", state

    async def finish(self, state: str, code: str) -> Tokens:
        pending = self._pending.pop(state, None)
        if pending is None or pending.expires < time.monotonic():
            raise SignInFailed("登录请求已过期或无效，请重新登录")
        answer = await self._token({"grant_type": "authorization_code", "code": code,
                                    "redirect_uri": self.redirect_uri, "code_verifier": pending.verifier})
        return await self._tokens(answer, nonce=pending.nonce)

    async def refresh(self, refresh_token: str) -> Tokens:
        answer = await self._token({"grant_type": "refresh_token", "refresh_token": refresh_token})
        tokens = await self._tokens(answer, nonce=None)
        tokens.refresh_token = tokens.refresh_token or refresh_token  # not rotated: keep it
        return tokens

    async def end_session_url(self, id_token: str | None) -> str | None:
        meta = await self.metadata()
        endpoint = meta.get("end_session_endpoint")
        if not endpoint:
            return None
        params = {"client_id": self.settings.console_oidc_client_id,
                  "post_logout_redirect_uri": f"{self.settings.public_origin}/console/signin"}
        if id_token:
            params["id_token_hint"] = id_token
        return f"{endpoint}?{urlencode(params)}"

    # -- internals ----------------------------------------------------------------------
    async def _token(self, form: dict) -> dict:
        meta = await self.metadata()
        if self.settings.console_oidc_resource:
            form["resource"] = self.settings.console_oidc_resource
        try:
            answer = await self.http.post(meta["token_endpoint"], data=form, auth=(
                self.settings.console_oidc_client_id, self.settings.console_oidc_client_secret))
            body = answer.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise SignInFailed(f"身份认证服务不可用：{exc}") from exc
        if answer.status_code != 200 or "access_token" not in body:
            raise SignInFailed(f"身份认证服务拒绝：{body.get('error_description') or body.get('error')}")
        return body

    async def _tokens(self, body: dict, nonce: str | None) -> Tokens:
        claims: dict = {}
        if body.get("id_token"):
            claims = await self._verify_id_token(body["id_token"], nonce)
        elif nonce is not None:
            raise SignInFailed("身份认证服务未返回 ID Token")
        if "tenants" not in claims:  # some providers put them in the access token only
            claims = {**jwt.decode(body["access_token"], options={"verify_signature": False}), **claims}
        expires_in = int(body.get("expires_in") or 300)
        return Tokens(access_token=body["access_token"], expires_at=time.time() + expires_in,
                      refresh_token=body.get("refresh_token"), id_token=body.get("id_token"),
                      claims=claims)

    async def _verify_id_token(self, id_token: str, nonce: str | None) -> dict:
        try:
            kid = jwt.get_unverified_header(id_token).get("kid")
            key = await self._key(kid)
            claims = jwt.decode(id_token, key.key, algorithms=ID_TOKEN_ALGORITHMS,
                                audience=self.settings.console_oidc_client_id, issuer=self.issuer,
                                leeway=30, options={"require": ["exp", "iat", "sub", "iss", "aud"]})
        except jwt.PyJWTError as exc:
            raise SignInFailed(f"ID Token 无效：{exc}") from exc
        if nonce is not None and claims.get("nonce") != nonce:
            raise SignInFailed("ID Token 的 nonce 不符（可能是重放）")
        return claims

    async def _key(self, kid: str | None) -> jwt.PyJWK:
        if kid not in self._keys:  # a provider rotating keys: fetch the set again once
            meta = await self.metadata()
            try:
                answer = await self.http.get(meta["jwks_uri"])
                answer.raise_for_status()
                keys = answer.json()["keys"]
            except (httpx.HTTPError, ValueError, KeyError) as exc:
                raise SignInFailed(f"无法取得身份认证服务的公钥：{exc}") from exc
            self._keys = {}
            for jwk in keys:
                if jwk.get("use", "sig") != "sig":
                    continue
                try:
                    self._keys[jwk.get("kid")] = jwt.PyJWK(jwk)
                except jwt.PyJWTError:  # a key type we do not verify with: not ours to use
                    continue
        if kid not in self._keys:
            raise SignInFailed("ID Token 的签名密钥未知")
        return self._keys[kid]


def tenants_and_roles(claims: dict) -> tuple[list[str], list[str]]:
    tenants, roles = claims.get("tenants"), claims.get("roles")
    if not isinstance(tenants, list) or not tenants or not all(isinstance(t, str) for t in tenants):
        raise SignInFailed("您的账号未被授予任何租户，请联系系统管理员")
    if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
        raise SignInFailed("账号的角色信息无效")
    return tenants, roles


def needs_refresh(expires_at: float | None) -> bool:
    return expires_at is not None and expires_at - time.time() < REFRESH_MARGIN_SECONDS
