from functools import lru_cache
from typing import Literal

from opspact.settings import ServiceSettings


class NotifySettings(ServiceSettings):
    """Provider endpoints and credentials come from the environment (secrets never sit in a
    tenant file); which provider a tenant uses, and in what order, is in its tenant file."""
    service_name: str = "notify"
    notify_sender_poll_seconds: float = 1.0
    notify_sender_batch: int = 50
    # Provider calls in flight at once within a batch (bench sms-throughput: 4 beat 8 and 16,
    # measured with httpx, which checked every pooled connection on each request).
    notify_sender_concurrency: int = 4
    notify_max_attempts: int = 8
    # A timed-out send is looked for at the provider; if still not found after this long,
    # it is taken as never received and sent again.
    notify_unknown_outcome_seconds: float = 120.0
    notify_escalation_tick_seconds: float = 15.0
    # A sent SMS the provider has not reported on after this long is looked up there.
    notify_receipt_wait_seconds: float = 600.0
    notify_receipt_tick_seconds: float = 60.0
    notify_receipts_enabled: bool = True
    notify_escalation_enabled: bool = True
    # Local SMS sink (dev/test).
    notify_sms_sink_url: str = "http://127.0.0.1:8025"
    notify_alibaba_endpoint: str = "https://dysmsapi.aliyuncs.com/"
    notify_alibaba_access_key_id: str = ""
    notify_alibaba_access_key_secret: str = ""
    # V3 (ACS3-HMAC-SHA256) as Alibaba recommends; v2 (the RPC HMAC-SHA1 signature) for an
    # account or gateway that still needs it.
    notify_alibaba_signature: Literal["v3", "v2"] = "v3"
    notify_tencent_endpoint: str = "https://sms.tencentcloudapi.com/"
    notify_tencent_secret_id: str = ""
    notify_tencent_secret_key: str = ""
    notify_tencent_sdk_app_id: str = ""
    notify_tencent_region: str = "ap-guangzhou"
    notify_http_sms_url: str = ""
    notify_http_sms_body: str = '{"mobile": "{phone}", "content": "{content}", "requestId": "{id}"}'
    notify_http_sms_success: str = "code=0"
    notify_http_sms_id_field: str = ""
    notify_provider_timeout_seconds: float = 10.0
    notify_smtp_host: str = ""
    notify_smtp_port: int = 25
    notify_smtp_from: str = "opspact@example.com"
    notify_smtp_username: str = ""
    notify_smtp_password: str = ""
    notify_smtp_starttls: bool = False
    # {"robot-name": {"url": "...", "secret": "..."}} (JSON)
    notify_robots: dict[str, dict[str, str]] = {}


@lru_cache
def get_settings() -> NotifySettings:
    return NotifySettings()
