"""What a channel adapter may answer."""

from __future__ import annotations

import functools
import ssl
from dataclasses import dataclass, field
from datetime import datetime

import certifi
from opspact.calendar import SHANGHAI
from opspact.upstream import ConnectFailed, UpstreamBroken, UpstreamTimeout


@dataclass(frozen=True)
class Message:
    id: str  # our notification id: the provider-side reference (OutId, SessionContext)
    recipient: str
    text: str
    subject: str
    template: str | None = None
    fields: dict[str, str] = field(default_factory=dict)
    sign_name: str = ""
    provider_template: str | None = None
    # a reply in a mail thread: message_id, in_reply_to, references, subject, reply_to
    thread: dict | None = None


@dataclass(frozen=True)
class Sent:
    provider: str
    provider_message_id: str


@dataclass(frozen=True)
class Report:
    """What the provider knows of a message it took: `delivered` None while the operator
    has not reported yet."""
    provider: str
    provider_message_id: str
    delivered: bool | None = None
    code: str = ""
    description: str = ""
    reported_at: datetime | None = None

    def sent(self) -> Sent:
        return Sent(self.provider, self.provider_message_id)


class Refused(Exception):
    """The provider refused this message for good; sending it again changes nothing.
    `kind`: invalid_recipient | template_not_approved | content | signature | account."""

    def __init__(self, kind: str, code: str, message: str) -> None:
        super().__init__(f"{kind} ({code}): {message}")
        self.kind, self.code = kind, code


class Throttled(Exception):
    """The provider limits this recipient or our account for now: wait, do not fail over."""

    def __init__(self, code: str, message: str, retry_after: float = 60.0) -> None:
        super().__init__(f"throttled ({code}): {message}")
        self.code, self.retry_after = code, retry_after


class Unavailable(Exception):
    """The provider did not take the message (down, refused the connection, 5xx, our
    credentials refused): safe to try the next provider at once."""


class OutcomeUnknown(Exception):
    """Sent, but no answer came (timeout): the provider may have it. Never send blindly
    again — ask the provider first (`find`)."""


@functools.cache
def provider_tls() -> ssl.SSLContext:
    """The TLS settings for talking to providers, built once: building them (the CA bundle)
    cost more than a whole SMS when a client was made per receipt round (issue 27)."""
    return ssl.create_default_context(cafile=certifi.where())


async def call(client, label: str, method: str, url: str, **kwargs):
    """One HTTP exchange with a provider (`notify.channels.http.ProviderClient`), its failures
    in our terms: sent and no answer is `OutcomeUnknown` (it may have the message), no
    connection or a 5xx is `Unavailable`."""
    try:
        response = await client.request(method, url, **kwargs)
    except (UpstreamTimeout, UpstreamBroken) as exc:
        raise OutcomeUnknown(f"{label}: {type(exc).__name__}: {exc}") from exc
    except ConnectFailed as exc:
        raise Unavailable(f"{label}: {type(exc).__name__}: {exc}") from exc
    if response.status_code >= 500:
        raise Unavailable(f"{label}: HTTP {response.status_code}")
    return response


def raise_for_code(label: str, code: str, text: str, refused: dict[str, str],
                   throttled: dict[str, float]) -> None:
    """A provider's error code: refused for good, throttled, or (anything else, e.g. our
    account's balance or keys) unavailable — another provider may well take it."""
    if code in refused:
        raise Refused(refused[code], code, text)
    if code in throttled:
        raise Throttled(code, text, throttled[code])
    raise Unavailable(f"{label}: {code}: {text}")


def shanghai_time(text: str | None) -> datetime | None:
    """The providers' `yyyy-MM-dd HH:mm:ss`, Beijing time."""
    try:
        return datetime.strptime(text or "", "%Y-%m-%d %H:%M:%S").replace(tzinfo=SHANGHAI)
    except ValueError:
        return None
