"""A generic HTTP SMS gateway (the kind a government network runs in-house): the request
body is a configured JSON template, success a configured `field=value` on the answer.

Placeholders in the template's string values: {phone}, {content}, {sign}, {id}. A lost
answer is `OutcomeUnknown`; there is no standard way to ask such a gateway what it got, so
the sender waits out the unknown window and sends again with the same {id}."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from notify.channels.base import Message, Refused, Report, Sent, Unavailable, call
from notify.channels.http import ProviderClient


def _fill(value: Any, values: dict[str, str]) -> Any:
    if isinstance(value, str):
        return value.format_map(values)
    if isinstance(value, dict):
        return {k: _fill(v, values) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, values) for v in value]
    return value


def _lookup(body: Any, path: str) -> Any:
    for part in path.split("."):
        body = body.get(part) if isinstance(body, dict) else None
    return body


@dataclass
class HttpGatewaySms:
    url: str
    body_template: str  # JSON
    success: str  # "field.path=value"
    id_field: str = ""  # where the gateway's message id is, if it gives one
    timeout: float = 10.0
    name: str = "http"

    def request_body(self, message: Message) -> Any:
        values = {"phone": message.recipient, "content": f"【{message.sign_name}】{message.text}",
                  "sign": message.sign_name, "id": message.id}
        return _fill(json.loads(self.body_template), values)

    async def send(self, client: ProviderClient, message: Message) -> Sent:
        response = await call(client, "http gateway", "POST", self.url,
                              json=self.request_body(message), timeout=self.timeout)
        try:
            body = response.json()
        except ValueError:
            body = {}
        path, _, expected = self.success.partition("=")
        if response.status_code < 300 and str(_lookup(body, path)) == expected:
            found = _lookup(body, self.id_field) if self.id_field else None
            return Sent(self.name, str(found or message.id))
        if 400 <= response.status_code < 500 or body:
            raise Refused("content", str(_lookup(body, path)), response.text[:300])
        raise Unavailable(f"http gateway: HTTP {response.status_code}")

    async def find(self, client, message, sent_on) -> Report | None:
        return None
