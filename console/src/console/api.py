"""The console's only way to data: the gateway's public `/api/…`, with the signed-in
person's own token and tenant. What the gateway refuses, the console shows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
from console.sessions import Session

TENANT_HEADER = "X-OpsPact-Tenant"


@dataclass
class ApiError(Exception):
    status: int
    title: str
    detail: str

    def __str__(self) -> str:
        return self.detail or self.title


class Gateway:
    def __init__(self, base_url: str, timeout_seconds: float) -> None:
        self.client = httpx.AsyncClient(base_url=base_url.rstrip("/"), timeout=timeout_seconds,
                                        limits=httpx.Limits(max_connections=100))

    async def close(self) -> None:
        await self.client.aclose()

    async def call(self, session: Session, method: str, path: str, *, params=None, json=None,
                   content: bytes | None = None, headers: dict[str, str] | None = None) -> Any:
        """JSON of a 2xx answer (None for 204); an ApiError naming the problem otherwise."""
        answer = await self.raw(session, method, path, params=params, json=json, content=content,
                                headers=headers)
        if answer.status_code >= 400:
            raise error_of(answer)
        return answer.json() if answer.content else None

    async def raw(self, session: Session, method: str, path: str, *, params=None, json=None,
                  content: bytes | None = None, headers: dict[str, str] | None = None) -> httpx.Response:
        sent = {"Authorization": f"Bearer {session.token}", TENANT_HEADER: session.tenant,
                "Accept-Language": "zh-CN", **(headers or {})}
        try:
            return await self.client.request(method, f"/api{path}", params=params, json=json,
                                             content=content, headers=sent)
        except httpx.TimeoutException as exc:
            raise ApiError(504, "网关超时", "服务暂未应答，请稍后重试") from exc
        except httpx.HTTPError as exc:
            raise ApiError(503, "服务不可用", f"无法连接网关：{exc}") from exc


def error_of(answer: httpx.Response) -> ApiError:
    try:
        problem = answer.json()
    except ValueError:
        problem = {}
    if not isinstance(problem, dict):
        problem = {}
    detail = problem.get("detail") or ""  # a validation problem names each field in it
    return ApiError(answer.status_code, problem.get("title") or answer.reason_phrase, str(detail))
