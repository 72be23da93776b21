"""The console's only way to data: the gateway's public `/api/…`, with the signed-in
person's own token and tenant. What the gateway refuses, the console shows.

Calls go through `opspact.upstream`, the keep-alive client the gateway itself uses: the
queue page makes one call per view, and httpx's own overhead was a tenth of the console's
time per page (bench console-queue, py-spy)."""

from __future__ import annotations

import json as jsonlib
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

from opspact.upstream import ConnectFailed, Origin, UpstreamBroken, UpstreamClient, UpstreamTimeout

from console.sessions import Session

TENANT_HEADER = "X-OpsPact-Tenant"
MAX_CONNECTIONS = 100
CONNECT_TIMEOUT = 3.0


@dataclass
class ApiError(Exception):
    status: int
    title: str
    detail: str

    def __str__(self) -> str:
        return self.detail or self.title


@dataclass
class Answer:
    status_code: int
    headers: dict[str, str]
    content: bytes

    def json(self) -> Any:
        return jsonlib.loads(self.content)


class Gateway:
    def __init__(self, base_url: str, timeout_seconds: float) -> None:
        self.origin = Origin.of(base_url)
        self.prefix = urlsplit(base_url).path.rstrip("/")
        self.timeout_seconds = timeout_seconds
        self.client = UpstreamClient(MAX_CONNECTIONS, timeout_seconds, CONNECT_TIMEOUT)

    async def close(self) -> None:
        await self.client.close()

    async def call(self, session: Session, method: str, path: str, *, params=None, json=None,
                   content: bytes | None = None, headers: dict[str, str] | None = None) -> Any:
        """JSON of a 2xx answer (None for 204); an ApiError naming the problem otherwise."""
        answer = await self.raw(session, method, path, params=params, json=json, content=content,
                                headers=headers)
        if answer.status_code >= 400:
            raise error_of(answer)
        return answer.json() if answer.content else None

    async def raw(self, session: Session | None, method: str, path: str, *, params=None, json=None,
                  content: bytes | None = None, headers: dict[str, str] | None = None,
                  api: bool = True) -> Answer:
        """Any answer of the gateway; `api=False` for its own paths (`/readyz`)."""
        sent = {"accept-language": "zh-CN", **{k.lower(): v for k, v in (headers or {}).items()}}
        if session is not None:
            sent.update({"authorization": f"Bearer {session.token}", TENANT_HEADER.lower(): session.tenant})
        body = content or b""
        if json is not None:
            body = jsonlib.dumps(json, ensure_ascii=False).encode()
            sent["content-type"] = "application/json"
        query = urlencode(params, doseq=True) if params else ""
        target = f"{self.prefix}{'/api' if api else ''}{path}" + (f"?{query}" if query else "")
        try:
            answer = await self.client.request(
                self.origin, method, target,
                [(k.encode("latin-1"), v.encode("latin-1")) for k, v in sent.items()], body)
            try:
                data = await answer.read()
            finally:
                answer.release()
        except UpstreamTimeout as exc:
            raise ApiError(504, "网关超时", "服务暂未应答，请稍后重试") from exc
        except (ConnectFailed, UpstreamBroken) as exc:
            raise ApiError(503, "服务不可用", f"无法连接网关：{exc}") from exc
        return Answer(answer.status, {k.decode("latin-1"): v.decode("latin-1") for k, v in answer.headers},
                      data)


def error_of(answer: Answer) -> ApiError:
    try:
        problem = answer.json()
    except ValueError:
        problem = {}
    if not isinstance(problem, dict):
        problem = {}
    detail = problem.get("detail") or ""  # a validation problem names each field in it
    return ApiError(answer.status_code, problem.get("title") or f"HTTP {answer.status_code}", str(detail))
