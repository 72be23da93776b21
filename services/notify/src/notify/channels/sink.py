"""The local SMS sink (`python -m notify.sink`) as a provider: dev and tests. It keeps
what it accepted and drops a repeated message id, as providers do with an idempotency key,
and it can be asked what it got (`find`)."""

from __future__ import annotations

from dataclasses import dataclass

from notify.channels.base import Message, Refused, Report, Sent, Unavailable, call
from notify.channels.http import ProviderClient


@dataclass
class SinkSms:
    base_url: str
    timeout: float = 10.0
    name: str = "local_sink"

    async def send(self, client: ProviderClient, message: Message) -> Sent:
        response = await call(client, "sink", "POST", f"{self.base_url}/sms", json={
            "message_id": message.id, "phone": message.recipient, "sign_name": message.sign_name,
            "content": message.text}, timeout=self.timeout)
        if response.status_code in (400, 422):
            body = response.json() if response.headers.get("content-type", "").startswith(
                "application/json") else {}
            code = body.get("code", "REFUSED")
            kind = "invalid_recipient" if "MOBILE" in code else "content"
            raise Refused(kind, code, body.get("message", response.text[:300]))
        if response.status_code >= 300:
            raise Unavailable(f"sink: HTTP {response.status_code}")
        return Sent(self.name, response.json()["biz_id"])

    async def find(self, client: ProviderClient, message: Message, sent_on) -> Report | None:
        response = await call(client, "sink", "GET", f"{self.base_url}/messages",
                              params={"message_id": message.id}, timeout=self.timeout)
        if response.status_code >= 300:
            raise Unavailable(f"sink: HTTP {response.status_code}")
        items = response.json()["items"]
        # The sink has no operator behind it: what it took counts as delivered.
        return Report(self.name, items[0]["biz_id"], True, "DELIVERED") if items else None
