"""Tencent Cloud SMS (API 2021-01-11), signature v3 (TC3-HMAC-SHA256).

Signed as documented (cloud.tencent.com, 签名方法 v3): canonical request
`POST\\n/\\n\\n content-type and host headers \\n signed headers \\n sha256(body)`, string to sign
`TC3-HMAC-SHA256\\n<timestamp>\\n<UTC date>/<service>/tc3_request\\n sha256(canonical)`, key
derived HMAC-SHA256("TC3"+key → date → service → "tc3_request"). tests/test_sms_signing.py
reproduces the documented example (72e494ea…5168)."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from notify.channels.base import (
    Message,
    Refused,
    Report,
    Sent,
    Unavailable,
    call,
    raise_for_code,
    shanghai_time,
)
from notify.channels.http import ProviderClient

VERSION = "2021-01-11"
CONTENT_TYPE = "application/json; charset=utf-8"
REFUSED = {
    "InvalidParameterValue.IncorrectPhoneNumber": "invalid_recipient",
    "FailedOperation.PhoneNumberInBlacklist": "invalid_recipient",
    "FailedOperation.TemplateIncorrectOrUnapproved": "template_not_approved",
    "InvalidParameterValue.TemplateParameterFormatError": "content",
    "InvalidParameterValue.TemplateParameterLengthLimit": "content",
    "FailedOperation.ContainSensitiveWord": "content",
    "FailedOperation.SignatureIncorrectOrUnapproved": "signature",
}
THROTTLED = {"LimitExceeded.PhoneNumberThirtySecondLimit": 30.0,
             "LimitExceeded.PhoneNumberOneHourLimit": 3600.0,
             "LimitExceeded.PhoneNumberDailyLimit": 6 * 3600.0,
             "LimitExceeded.PhoneNumberSameContentDailyLimit": 6 * 3600.0,
             "RequestLimitExceeded": 5.0}


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


def authorization(secret_id: str, secret_key: str, service: str, host: str, payload: bytes,
                  timestamp: int, content_type: str = CONTENT_TYPE) -> str:
    """`content_type`: as sent (the official SDK sends `application/json`); headers are signed
    lower-cased, as documented."""
    canonical = "\n".join(["POST", "/", "", f"content-type:{content_type.lower()}\nhost:{host.lower()}\n",
                           "content-type;host", sha256_hex(payload)])
    day = datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d")
    scope = f"{day}/{service}/tc3_request"
    to_sign = "\n".join(["TC3-HMAC-SHA256", str(timestamp), scope, sha256_hex(canonical.encode())])
    key = _hmac(_hmac(_hmac(f"TC3{secret_key}".encode(), day), service), "tc3_request")
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    return (f"TC3-HMAC-SHA256 Credential={secret_id}/{scope}, SignedHeaders=content-type;host, "
            f"Signature={signature}")


def e164(mobile: str) -> str:
    return mobile if mobile.startswith("+") else f"+86{mobile}"


@dataclass
class TencentSms:
    endpoint: str
    secret_id: str
    secret_key: str
    sdk_app_id: str
    region: str = "ap-guangzhou"
    timeout: float = 10.0
    name: str = "tencent"
    reports: bool = True  # pushes delivery reports and answers for them when asked

    async def _call(self, client: ProviderClient, action: str, body: dict) -> dict:
        payload = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
        host = urlsplit(self.endpoint).netloc
        now = int(time.time())
        headers = {"Authorization": authorization(self.secret_id, self.secret_key, "sms", host,
                                                  payload, now),
                   "Content-Type": CONTENT_TYPE, "Host": host, "X-TC-Action": action,
                   "X-TC-Timestamp": str(now), "X-TC-Version": VERSION, "X-TC-Region": self.region}
        response = await call(client, f"tencent {action}", "POST", self.endpoint, content=payload,
                              headers=headers, timeout=self.timeout)
        try:
            answer = response.json()["Response"]
        except (ValueError, KeyError) as exc:
            raise Unavailable(f"tencent {action}: HTTP {response.status_code}, unexpected body") from exc
        error = answer.get("Error")
        if error:
            raise_for_code(f"tencent {action}", error.get("Code", ""), error.get("Message", ""),
                           REFUSED, THROTTLED)
        return answer

    async def send(self, client: ProviderClient, message: Message) -> Sent:
        if not message.provider_template:
            raise Refused("template_not_approved", "NO_TEMPLATE_ID",
                          f"no Tencent template id for {message.template!r} in the tenant file")
        answer = await self._call(client, "SendSms", {
            "PhoneNumberSet": [e164(message.recipient)], "SmsSdkAppId": self.sdk_app_id,
            "SignName": message.sign_name, "TemplateId": message.provider_template,
            # Tencent's templates number their variables {1}, {2}…: our fields in order.
            "TemplateParamSet": list(message.fields.values()), "SessionContext": message.id})
        status = (answer.get("SendStatusSet") or [{}])[0]
        code, text = status.get("Code", ""), status.get("Message", "")
        if code == "Ok":
            return Sent(self.name, status["SerialNo"])
        raise_for_code("tencent SendSms", code, text, REFUSED, THROTTLED)

    async def find(self, client: ProviderClient, message: Message, sent_on: datetime) -> Report | None:
        """Did the provider take this message, and was it delivered? The number's statuses
        since the send, matched by our SessionContext (PullSmsSendStatusByPhoneNumber)."""
        begin = int((sent_on - timedelta(minutes=5)).timestamp())
        offset = 0
        while True:
            answer = await self._call(client, "PullSmsSendStatusByPhoneNumber", {
                "BeginTime": begin, "Offset": offset, "Limit": 100,
                "PhoneNumber": e164(message.recipient), "SmsSdkAppId": self.sdk_app_id})
            statuses = answer.get("PullSmsSendStatusSet") or []
            for status in statuses:
                if status.get("SessionContext") == message.id:
                    reported = status.get("ReportStatus")
                    return Report(self.name, status.get("SerialNo", ""),
                                  None if reported not in ("SUCCESS", "FAIL") else reported == "SUCCESS",
                                  status.get("ErrMsg") or "", status.get("Description") or "",
                                  shanghai_time(status.get("UserReceiveTime")))
            if len(statuses) < 100:
                return None
            offset += 100
