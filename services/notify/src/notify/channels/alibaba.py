"""Alibaba Cloud SMS (dysmsapi 2017-05-25), signed with V3 (ACS3-HMAC-SHA256) by default or,
for an account that needs it, the older RPC signature (V2: `SignatureVersion=1.0`, HMAC-SHA1),
by `OPSPACT_NOTIFY_ALIBABA_SIGNATURE=v2`.

V3 (阿里云 SDK → V3 版本请求体&签名机制), as the official SDKs send it: the API's parameters in
the query string, an empty body, and headers `host`, `x-acs-action`, `x-acs-version`,
`x-acs-date` (UTC, seconds), `x-acs-signature-nonce`, `x-acs-content-sha256` (hex SHA-256 of
the body). The canonical request is `METHOD\nPATH\nsorted query (values percent-encoded per
RFC 3986)\nname:value\n per signed header, sorted\nsigned names joined by ;\nbody hash`;
the string to sign is `ACS3-HMAC-SHA256\n` + its hex SHA-256, signed with HMAC-SHA256 under
the secret, sent as `Authorization: ACS3-HMAC-SHA256 Credential=<id>,SignedHeaders=…,Signature=…`.
tests/test_sms_signing.py checks it byte for byte against the official SDK's own signer.

V2 (短信服务 → 签名机制): every parameter but `Signature`, sorted, percent-encoded per RFC 3986
(space → %20, `*` → %2A, `~` kept), joined into `GET&%2F&<encoded query>` and signed with
HMAC-SHA1 under `secret + "&"`; the documented example (zJDF+Lrzhj/ThnlvIToysFRq6t4=) is
reproduced in the same test."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal
from urllib.parse import quote, urlsplit

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
from notify.channels.http import ProviderClient

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


ACS3 = "ACS3-HMAC-SHA256"
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()


def canonical_query(query: dict[str, str]) -> str:
    return "&".join(f"{percent_encode(k)}={percent_encode(v)}" for k, v in sorted(query.items()))


def canonical_request(method: str, path: str, query: dict[str, str], headers: dict[str, str],
                      signed: list[str], payload_sha256: str) -> str:
    """`headers` by lower-case name; `signed`: the names signed, sorted."""
    lines = "".join(f"{name}:{headers[name].strip()}\n" for name in signed)
    return "\n".join([method, path or "/", canonical_query(query), lines, ";".join(signed),
                      payload_sha256])


def signature_v3(secret: str, canonical: str) -> str:
    to_sign = f"{ACS3}\n{hashlib.sha256(canonical.encode()).hexdigest()}"
    return hmac.new(secret.encode(), to_sign.encode(), hashlib.sha256).hexdigest()


def v3_headers(key_id: str, secret: str, method: str, url: str, action: str,
               query: dict[str, str], now: datetime | None = None,
               nonce: str | None = None) -> dict[str, str]:
    """The headers of a V3-signed request with an empty body, Authorization included."""
    parts = urlsplit(url)
    headers = {"host": parts.netloc, "x-acs-action": action, "x-acs-version": VERSION,
               "x-acs-date": timestamp(now), "x-acs-signature-nonce": nonce or uuid.uuid4().hex,
               "x-acs-content-sha256": EMPTY_SHA256}
    signed = sorted(headers)
    canonical = canonical_request(method, parts.path, query, headers, signed, EMPTY_SHA256)
    headers["authorization"] = (f"{ACS3} Credential={key_id},SignedHeaders={';'.join(signed)},"
                                f"Signature={signature_v3(secret, canonical)}")
    return headers


@dataclass
class AlibabaSms:
    endpoint: str
    access_key_id: str
    access_key_secret: str
    timeout: float = 10.0
    name: str = "alibaba"
    reports: bool = True  # pushes delivery reports and answers for them when asked
    signature: Literal["v3", "v2"] = "v3"

    def signed(self, action: str, params: dict[str, str]) -> dict[str, str]:
        """V2: the query with the RPC signature in it."""
        common = {"AccessKeyId": self.access_key_id, "Action": action, "Format": "JSON",
                  "RegionId": "cn-hangzhou", "SignatureMethod": "HMAC-SHA1",
                  "SignatureNonce": uuid.uuid4().hex, "SignatureVersion": "1.0",
                  "Timestamp": timestamp(), "Version": VERSION}
        merged = {**common, **params}
        return {**merged, "Signature": signature(merged, self.access_key_secret)}

    async def _call(self, client: ProviderClient, action: str, params: dict[str, str]) -> dict:
        if self.signature == "v2":
            response = await call(client, f"alibaba {action}", "GET", self.endpoint,
                                  params=self.signed(action, params), timeout=self.timeout)
        else:  # the query sent exactly as it was signed
            headers = v3_headers(self.access_key_id, self.access_key_secret, "POST", self.endpoint,
                                 action, params)
            response = await call(client, f"alibaba {action}", "POST",
                                  f"{self.endpoint}?{canonical_query(params)}", headers=headers,
                                  timeout=self.timeout)
        try:
            return response.json()
        except ValueError as exc:
            raise Unavailable(f"alibaba {action}: HTTP {response.status_code}, not JSON") from exc

    async def send(self, client: ProviderClient, message: Message) -> Sent:
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

    async def find(self, client: ProviderClient, message: Message, sent_on: datetime) -> Report | None:
        """Did the provider take this message, and was it delivered? The day's sends to the
        number, looked up by our OutId (QuerySendDetails): a lost answer, or reconciliation.
        A message sent just before midnight (Shanghai) may be dated the next day by the
        provider: that day is asked too once it has begun."""
        day = sent_on.astimezone(SHANGHAI).date()
        days = [day] if day >= datetime.now(SHANGHAI).date() else [day, day + timedelta(days=1)]
        for send_date in days:
            found = await self._find_on(client, message, send_date.strftime("%Y%m%d"))
            if found is not None:
                return found
        return None

    async def _find_on(self, client: ProviderClient, message: Message, send_date: str) -> Report | None:
        page = 1
        while True:
            body = await self._call(client, "QuerySendDetails", {
                "PhoneNumber": message.recipient, "PageSize": "50", "CurrentPage": str(page),
                "SendDate": send_date})
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
