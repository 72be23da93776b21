"""What Alibaba Cloud checks before it takes a dysmsapi request — for the local sink, which plays
the provider in dev and tests and must accept exactly what the provider accepts: the official
SDK's requests (POST, V3) as well as ours (V3, or V2 by setting), GET or POST, parameters in the
query or a form body.

- V3 (`Authorization: ACS3-HMAC-SHA256 …`): the key, the signed headers (host and every
  `x-acs-*` header the request carries), `x-acs-content-sha256` against the body, the date
  window, the nonce, the signature over the canonical request rebuilt from what arrived.
- V2 (`Signature` parameter): the key, `HMAC-SHA1` / `1.0`, the signature over the request's
  own method, the `Timestamp` window, the nonce.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

from opspact.hooksig import same_secret

from notify.channels import alibaba

# Alibaba's documented tolerance for the request time (the sink had 15 minutes).
WINDOW = timedelta(minutes=31)
_ACS3 = re.compile(rf"^{alibaba.ACS3} Credential=([^,]+),SignedHeaders=([a-z0-9;-]+),"
                   r"Signature=([0-9a-f]{64})$")


class Refused(Exception):
    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


def alibaba_params(method: str, path: str, query: Mapping[str, str], form: Mapping[str, str],
                   headers: Mapping[str, str], body: bytes, key_id: str, secret: str,
                   nonces: set[str], now: datetime | None = None) -> dict[str, str]:
    """The API parameters (`Action` included) of an authentic request, or Refused."""
    now = now or datetime.now(UTC)
    authorization = headers.get("authorization", "")
    if authorization.startswith(f"{alibaba.ACS3} "):
        return _v3(method, path, dict(query), dict(form), headers, body, authorization, key_id,
                   secret, nonces, now)
    return _v2(method, {**query, **form}, key_id, secret, nonces, now)


def _v3(method, path, query, form, headers, body, authorization, key_id, secret, nonces, now):
    match = _ACS3.match(authorization)
    if not match:
        raise Refused("InvalidAuthorization", "Authorization is not ACS3-HMAC-SHA256 "
                      "Credential=…,SignedHeaders=…,Signature=…")
    given_id, signed_text, given = match.groups()
    if given_id != key_id:
        raise Refused("InvalidAccessKeyId.NotFound", "Specified access key is not found.", 404)
    signed = signed_text.split(";")
    carried = {name.lower() for name in headers if name.lower().startswith("x-acs-")}
    unsigned = ({"host", "x-acs-action", "x-acs-version", "x-acs-date", "x-acs-signature-nonce",
                 "x-acs-content-sha256"} | carried) - set(signed)
    if unsigned or signed != sorted(signed) or any(name not in headers for name in signed):
        raise Refused("SignatureDoesNotMatch", f"SignedHeaders must list, sorted, host and every "
                      f"x-acs-* header sent; unsigned or missing: {sorted(unsigned) or signed}")
    if headers["x-acs-content-sha256"] != hashlib.sha256(body).hexdigest():
        raise Refused("SignatureDoesNotMatch", "x-acs-content-sha256 is not the body's SHA-256")
    _in_window(headers["x-acs-date"], now)
    _fresh(headers["x-acs-signature-nonce"], nonces)
    canonical = alibaba.canonical_request(method, path, query, {n: headers[n] for n in signed},
                                          signed, headers["x-acs-content-sha256"])
    if not same_secret(given, alibaba.signature_v3(secret, canonical)):
        raise Refused("SignatureDoesNotMatch", "Specified signature is not matched with our calculation.")
    return {**query, **form, "Action": headers["x-acs-action"]}


def _v2(method, params, key_id, secret, nonces, now):
    given = params.pop("Signature", "")
    if params.get("AccessKeyId") != key_id:
        raise Refused("InvalidAccessKeyId.NotFound", "Specified access key is not found.", 404)
    if (params.get("SignatureMethod"), params.get("SignatureVersion")) != ("HMAC-SHA1", "1.0"):
        raise Refused("InvalidParameter", "SignatureMethod/SignatureVersion")
    if not same_secret(given, alibaba.signature(params, secret, method)):
        raise Refused("SignatureDoesNotMatch", "Specified signature is not matched with our calculation.")
    _in_window(params.get("Timestamp", ""), now)
    _fresh(params.get("SignatureNonce", ""), nonces)
    return params


def _in_window(text: str, now: datetime) -> None:
    try:
        stamp = datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except ValueError:
        raise Refused("MissingTimestamp", "Timestamp is mandatory in ISO 8601 UTC") from None
    if abs(now - stamp) > WINDOW:
        raise Refused("InvalidTimeStamp.Expired", "Specified time stamp is expired.")


def _fresh(nonce: str, nonces: set[str]) -> None:
    if not nonce or nonce in nonces:
        raise Refused("SignatureNonceUsed", "Specified signature nonce was used already.")
    nonces.add(nonce)
