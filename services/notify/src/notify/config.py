from functools import lru_cache

from opspact.settings import ServiceSettings


class NotifySettings(ServiceSettings):
    service_name: str = "notify"
    # Local SMS sink (dev/test); real providers come with the notify issue.
    notify_sms_sink_url: str = "http://127.0.0.1:8025"
    notify_sms_sign_name: str = "运维服务台"
    notify_sender_poll_seconds: float = 1.0


@lru_cache
def get_settings() -> NotifySettings:
    return NotifySettings()
