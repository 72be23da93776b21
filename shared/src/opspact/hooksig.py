"""Hook signatures: HMAC-SHA256 over `<timestamp>.<body>` with the integration's secret.

The sender puts the Unix timestamp in `X-OpsPact-Timestamp` and `sha256=<hex>` in
`X-OpsPact-Signature`. The gateway accepts it within ±5 minutes of its own clock
and hands ticketing a delivery id (a digest of the signature) that ticketing
stores once: the same signed request sent again is a replay and is refused.
A sender retrying after a timeout signs again (new timestamp) and repeats its
`Idempotency-Key`, which keeps it one ticket."""

from __future__ import annotations

import hashlib
import hmac
import time

from opspact.errors import Unauthorized

TIMESTAMP_HEADER = "X-OpsPact-Timestamp"
SIGNATURE_HEADER = "X-OpsPact-Signature"
DELIVERY_HEADER = "X-OpsPact-Hook-Delivery"  # set by the gateway only
WINDOW_SECONDS = 300


def dev_secret(tenant: str, source: str) -> str:
    """The secret every dev stack uses when none is configured (refused outside dev)."""
    return f"dev-hook-secret:{tenant}/{source}"


def sign(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"sha256={mac.hexdigest()}"


def same_secret(given: str, expected: str) -> bool:
    """Constant-time comparison of text from a request: as UTF-8 bytes, since
    hmac.compare_digest raises (a 500) on a str holding non-ASCII characters."""
    return hmac.compare_digest(given.encode("utf-8", "surrogatepass"), expected.encode("utf-8"))


def unix_seconds(text: str) -> bool:
    """ASCII digits only: str.isdigit() also accepts '²' or '٣', which int() then refuses."""
    return 0 < len(text) <= 12 and text.isascii() and text.isdigit()


def signed_headers(secret: str, body: bytes, now: float | None = None) -> dict[str, str]:
    timestamp = int(now if now is not None else time.time())
    return {TIMESTAMP_HEADER: str(timestamp), SIGNATURE_HEADER: sign(secret, timestamp, body)}


def verify(secret: str, timestamp: str | None, signature: str | None, body: bytes,
           now: float | None = None) -> str:
    """The delivery id of a valid signature; Unauthorized naming what is wrong otherwise."""
    if not timestamp or not signature:
        raise Unauthorized(f"hook signature required: send {TIMESTAMP_HEADER} and "
                           f"{SIGNATURE_HEADER} (HMAC-SHA256 over '<timestamp>.<body>')")
    if not unix_seconds(timestamp):
        raise Unauthorized(f"{TIMESTAMP_HEADER} must be Unix seconds")
    skew = int(timestamp) - (now if now is not None else time.time())
    if abs(skew) > WINDOW_SECONDS:
        raise Unauthorized(f"hook timestamp is {abs(skew):.0f} s "
                           f"{'ahead of' if skew > 0 else 'behind'} the gateway's clock; "
                           f"the window is ±{WINDOW_SECONDS} s")
    if not same_secret(signature.strip(), sign(secret, int(timestamp), body)):
        raise Unauthorized("hook signature does not match the body and timestamp")
    return hashlib.sha256(signature.strip().encode()).hexdigest()
