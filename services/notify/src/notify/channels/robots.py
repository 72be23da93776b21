"""WeCom (企业微信) and DingTalk (钉钉) group robots.

DingTalk's signed webhook, as documented: `timestamp` in ms and
`sign = urlencode(base64(HMAC-SHA256(secret, f"{timestamp}\\n{secret}")))` on the URL.
WeCom's robot is authenticated by the key in its URL alone."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from dataclasses import dataclass
from urllib.parse import quote_plus

from notify.channels.base import Message, Refused, Report, Sent, Throttled, Unavailable, call
from notify.channels.http import ProviderClient

THROTTLED_CODES = {130101, 45009, 45033}  # DingTalk: too fast; WeCom: frequency limits


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return quote_plus(base64.b64encode(digest).decode())


@dataclass
class Robot:
    kind: str  # wecom | dingtalk
    url: str
    secret: str = ""
    timeout: float = 10.0

    @property
    def name(self) -> str:
        return self.kind

    def signed_url(self, now_ms: int | None = None) -> str:
        if self.kind != "dingtalk" or not self.secret:
            return self.url
        stamp = now_ms or int(time.time() * 1000)
        joiner = "&" if "?" in self.url else "?"
        return f"{self.url}{joiner}timestamp={stamp}&sign={dingtalk_sign(self.secret, stamp)}"

    async def send(self, client: ProviderClient, message: Message) -> Sent:
        body = {"msgtype": "text", "text": {"content": f"{message.subject}\n{message.text}"}}
        response = await call(client, self.kind, "POST", self.signed_url(), json=body,
                              timeout=self.timeout)
        try:
            answer = response.json()
        except ValueError as exc:
            raise Unavailable(f"{self.kind}: HTTP {response.status_code}, not JSON") from exc
        code, text = answer.get("errcode", -1), answer.get("errmsg", "")
        if code == 0:
            return Sent(self.kind, message.id)
        if code in THROTTLED_CODES:
            raise Throttled(str(code), text, 60.0)
        raise Refused("account", str(code), text)

    async def find(self, client, message, sent_on) -> Report | None:
        return None
