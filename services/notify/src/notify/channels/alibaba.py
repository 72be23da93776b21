"""Alibaba Cloud SMS (dysmsapi 2017-05-25), RPC-style signature version 1.0.

Signed as documented (help.aliyun.com, 短信服务 → 签名机制): every parameter but
`Signature`, sorted, percent-encoded per RFC 3986 (space → %20, `*` → %2A, `~` kept),
joined into `GET&%2F&<encoded query>` and signed with HMAC-SHA1 under `secret + "&"`.
tests/test_sms_signing.py reproduces the documented example (zJDF+Lrzhj/ThnlvIToysFRq6t4=)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import quote

import httpx
from opspact.calendar import SHANGHAI

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

VERSION = "2017-05-25"
REFUSED = {
    "isv.MOBILE_NUMBER_ILLEGAL": "invalid_recipient", "isv.MOBILE_COUNT_OVER_LIMIT": "invalid_recipient",
    "isv.SMS_TEMPLATE_ILLEGAL": "template_not_approved",
    "isv.TEMPLATE_MISSING_PARAMETERS": "template_not_approved",
    "isv.TEMPLATE_PARAMS_ILLEGAL": "content", "isv.PARAM_LENGTH_LIMIT": "content",
    "isv.BLACK_KEY_CONTROL_LIMIT": "content", "isv.SMS_SIGNATURE_ILLEGAL": "signature",
    "isv.SMS_SIGN_ILLEGAL": "signature",
}
THROTTLED = {"isv.BUSINESS_LIMIT_CONTROL": 60.0, "isv.DAY_LIMIT_CONTROL": 3600.0,
             "Throttling.User": 5.0, "Throttling": 5.0}


def percent_encode(value: str) -> str:
    return quote(value, safe="~")


def string_to_sign(params: dict[str, str], method: str = "GET") -> str:
    query = "&".join(f"{percent_encode(k)}={percent_encode(v)}" for k, v in sorted(params.items()))
    return f"{method}&{percent_encode('/')}&{percent_encode(query)}"


def signature(params: dict[str, str], secret: str, method: str = "GET") -> str:
    digest = hmac.new(f"{secret}&".encode(), string_to_sign(params, method).encode(), hashlib.sha1)
    return base64.b64encode(digest.digest()).decode()


def timestamp(moment: datetime | None = None) -> str:
    return (moment or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class AlibabaSms:
    endpoint: str
    access_key_id: str
    access_key_secret: str
    timeout: float = 10.0
    name: str = "alibaba"
    reports: bool = True  # pushes delivery reports and answers for them when asked

    def signed(self, action: str, params: dict[str, str]) -> dict[str, str]:
        common = {"AccessKeyId": self.access_key_id, "Action": action, "Format": "JSON",
                  "RegionId": "cn-hangzhou", "SignatureMethod": "HMAC-SHA1",
                  "SignatureNonce": uuid.uuid4().hex, "SignatureVersion": "1.0",
                  "Timestamp": timestamp(), "Version": VERSION}
        merged = {**common, **params}
        return {**merged, "Signature": signature(merged, self.access_key_secret)}

    async def _call(self, client: httpx.AsyncClient, action: str, params: dict[str, str]) -> dict:
        response = await call(client, f"alibaba {action}", "GET", self.endpoint,
                              params=self.signed(action, params), timeout=self.timeout)
        try:
            return response.json()
        except ValueError as exc:
            raise Unavailable(f"alibaba {action}: HTTP {response.status_code}, not JSON") from exc

    async def send(self, client: httpx.AsyncClient, message: Message) -> Sent:
        if not message.provider_template:
            raise Refused("template_not_approved", "NO_TEMPLATE_CODE",
                          f"no Alibaba template code for {message.template!r} in the tenant file")
        body = await self._call(client, "SendSms", {
            "PhoneNumbers": message.recipient, "SignName": message.sign_name,
            "TemplateCode": message.provider_template,
            "TemplateParam": json.dumps(message.fields, ensure_ascii=False, separators=(",", ":")),
            "OutId": message.id})
        code = body.get("Code", "")
        if code == "OK":
            return Sent(self.name, body["BizId"])
        raise_for_code("alibaba SendSms", code, body.get("Message", ""), REFUSED, THROTTLED)

    async def find(self, client: httpx.AsyncClient, message: Message, sent_on: datetime) -> Report | None:
        """Did the provider take this message, and was it delivered? The day's sends to the
        number, looked up by our OutId (QuerySendDetails): a lost answer, or reconciliation."""
        page = 1
        while True:
            body = await self._call(client, "QuerySendDetails", {
                "PhoneNumber": message.recipient, "PageSize": "50", "CurrentPage": str(page),
                "SendDate": sent_on.astimezone(SHANGHAI).strftime("%Y%m%d")})
            if body.get("Code") != "OK":
                raise Unavailable(f"alibaba QuerySendDetails: {body.get('Code')}: {body.get('Message')}")
            details = (body.get("SmsSendDetailDTOs") or {}).get("SmsSendDetailDTO") or []
            for detail in details:
                if detail.get("OutId") == message.id:
                    return self._report(detail, message)
            if page * 50 >= int(body.get("TotalCount") or 0):
                return None
            page += 1

    def _report(self, detail: dict, message: Message) -> Report:
        # SendStatus: 1 waiting for the operator's report, 2 failed, 3 delivered.
        status = int(detail.get("SendStatus") or 1)
        return Report(self.name, detail.get("BizId") or f"out:{message.id}",
                      None if status == 1 else status == 3, detail.get("ErrCode") or "",
                      "", shanghai_time(detail.get("ReceiveDate")))
