"""SMS adapter for the local sink (the stand-in provider for dev and tests).

Real providers (Alibaba Cloud, Tencent Cloud, generic HTTP) arrive with the notify
issue behind the same `send` signature. The message id doubles as the provider-side
idempotency key, so a resend after a crash is dropped by the receiver."""

from __future__ import annotations

from dataclasses import dataclass

import httpx


class SmsRejected(Exception):
    """The provider refused the message for good (bad number, bad content)."""


@dataclass
class SinkSms:
    base_url: str
    sign_name: str

    async def send(self, client: httpx.AsyncClient, message_id: str, phone: str,
                   content: str) -> str:
        response = await client.post(f"{self.base_url}/sms", json={
            "message_id": message_id, "phone": phone, "sign_name": self.sign_name,
            "content": content}, timeout=10)
        if response.status_code in (400, 422):
            raise SmsRejected(response.text[:300])
        response.raise_for_status()
        return response.json()["biz_id"]
