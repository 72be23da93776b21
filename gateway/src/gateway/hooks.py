"""Who may post a hook: the integration holding the secret for that tenant and source.

Secrets come from `OPSPACT_GATEWAY_HOOK_SECRETS` (JSON, `{"xinjiang/12123": "..."}`) or
from files `<tenant>.<source>` in `OPSPACT_GATEWAY_HOOK_SECRETS_DIR` (a mounted k8s
Secret); in dev a fixed per-integration dev secret stands in. Senders that cannot
sign (Alertmanager: its http_config knows only static credentials) are listed in
`OPSPACT_GATEWAY_HOOK_BEARER_SOURCES` and present the secret as a bearer token
instead; they get no replay protection, which their fingerprint dedup makes harmless."""

from __future__ import annotations

from fastapi import Request
from opspact import hooksig
from opspact.errors import Unauthorized

from gateway.config import GatewaySettings


def secret_for(settings: GatewaySettings, tenant: str, source: str) -> str | None:
    key = f"{tenant}/{source}"
    if key in settings.gateway_hook_secrets:
        return settings.gateway_hook_secrets[key]
    if settings.gateway_hook_secrets_dir is not None:
        path = settings.gateway_hook_secrets_dir / f"{tenant}.{source}"
        if path.is_file():
            return path.read_text(encoding="utf-8").strip()
    return hooksig.dev_secret(tenant, source) if settings.is_dev else None


def authenticate_hook(request: Request, settings: GatewaySettings, tenant: str, source: str,
                      body: bytes) -> str | None:
    """The delivery id to store against replays (None for bearer sources)."""
    secret = secret_for(settings, tenant, source)
    if secret is None:
        raise Unauthorized(f"hook {tenant}/{source} has no secret configured at the gateway")
    signature = request.headers.get(hooksig.SIGNATURE_HEADER)
    if signature is None and source in settings.gateway_hook_bearer_sources:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not hooksig.same_secret(token.strip(), secret):
            raise Unauthorized(f"hook {source} needs its secret as a bearer token or a signature")
        return None
    return hooksig.verify(secret, request.headers.get(hooksig.TIMESTAMP_HEADER), signature, body)


def authenticate_callback(settings: GatewaySettings, tenant: str, source: str, token: str | None) -> None:
    """SMS providers push delivery reports unsigned, to a fixed address: the secret of
    `<tenant>/<source>` (e.g. `sms-alibaba`) rides in that address's `token` query
    parameter (kept out of the audit log, which records the path only)."""
    secret = secret_for(settings, tenant, source)
    if secret is None:
        raise Unauthorized(f"callback {tenant}/{source} has no secret configured at the gateway")
    if not token or not hooksig.same_secret(token, secret):
        raise Unauthorized(f"callback {source} needs its secret in the token parameter")
