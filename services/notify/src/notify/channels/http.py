"""The HTTP client notify talks to SMS providers and robots with: `opspact.upstream` (the
gateway's own client, on httptools' parser) with the providers' TLS settings.

It replaced httpx here because httpx was 36 % of notify's CPU while the sender worked off
a backlog (py-spy, `bench sms-throughput`, issue 27). What the adapters need of it is small:
a request with query parameters, headers and a JSON or raw body, a per-call timeout, and
the answer's status, headers and body. Providers are reached directly: HTTP(S)_PROXY is not
read (deployments give notify HTTPS egress, docs/operations.md)."""

from __future__ import annotations

import json as jsonlib
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

from opspact.upstream import Origin, UpstreamClient

from notify.channels.base import provider_tls

CONNECT_SECONDS = 5.0


@dataclass(frozen=True)
class ProviderResponse:
    status_code: int
    headers: dict[str, str]  # lower-case names
    content: bytes

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", errors="replace")

    def json(self):
        """The body as JSON (ValueError when it is not)."""
        return jsonlib.loads(self.content)


class ProviderClient:
    """`async with ProviderClient(n) as client`: keep-alive connections, at most `n` calls in
    flight. Errors are opspact.upstream's: ConnectFailed (nothing sent), UpstreamTimeout,
    UpstreamBroken (sent, no answer)."""

    def __init__(self, max_connections: int = 8, timeout: float = 10.0) -> None:
        self._upstream = UpstreamClient(max_connections, timeout, CONNECT_SECONDS, tls=provider_tls())

    async def __aenter__(self) -> ProviderClient:
        return self

    async def __aexit__(self, *exc) -> None:
        await self._upstream.close()

    async def request(self, method: str, url: str, *, params: dict | None = None,
                      headers: dict[str, str] | None = None, json=None, content: bytes | None = None,
                      timeout: float | None = None) -> ProviderResponse:
        parts = urlsplit(url)
        target = parts.path or "/"
        query = "&".join(q for q in (parts.query, urlencode(params) if params else "") if q)
        if query:
            target += "?" + query
        sent = [(name.lower().encode(), value.encode()) for name, value in (headers or {}).items()
                if name.lower() not in ("host", "content-length")]  # the client writes both
        body = content or b""
        if json is not None:
            body = jsonlib.dumps(json, ensure_ascii=False, separators=(",", ":")).encode()
            if not any(name == b"content-type" for name, _ in sent):
                sent.append((b"content-type", b"application/json"))
        answer = await self._upstream.request(Origin.of(url), method, target, sent, body,
                                              timeout_seconds=timeout)
        try:
            received = await answer.read()
        finally:
            answer.release()
        return ProviderResponse(answer.status, {name.decode("latin-1").lower(): value.decode("latin-1")
                                                for name, value in answer.headers}, received)
