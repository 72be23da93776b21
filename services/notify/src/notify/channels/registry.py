"""The configured adapters, built once from the environment."""

from __future__ import annotations

from dataclasses import dataclass, field

from notify.channels.alibaba import AlibabaSms
from notify.channels.email import SmtpEmail
from notify.channels.http_gateway import HttpGatewaySms
from notify.channels.robots import Robot
from notify.channels.sink import SinkSms
from notify.channels.tencent import TencentSms
from notify.config import NotifySettings


@dataclass
class Channels:
    sms: dict[str, object] = field(default_factory=dict)
    email: SmtpEmail | None = None
    robots: dict[str, Robot] = field(default_factory=dict)


def build(settings: NotifySettings) -> Channels:
    timeout = settings.notify_provider_timeout_seconds
    out = Channels()
    out.sms["local_sink"] = SinkSms(settings.notify_sms_sink_url, timeout)
    if settings.notify_alibaba_access_key_id:
        out.sms["alibaba"] = AlibabaSms(settings.notify_alibaba_endpoint,
                                        settings.notify_alibaba_access_key_id,
                                        settings.notify_alibaba_access_key_secret, timeout,
                                        signature=settings.notify_alibaba_signature)
    if settings.notify_tencent_secret_id:
        out.sms["tencent"] = TencentSms(settings.notify_tencent_endpoint,
                                        settings.notify_tencent_secret_id,
                                        settings.notify_tencent_secret_key,
                                        settings.notify_tencent_sdk_app_id,
                                        settings.notify_tencent_region, timeout)
    if settings.notify_http_sms_url:
        out.sms["http"] = HttpGatewaySms(settings.notify_http_sms_url, settings.notify_http_sms_body,
                                         settings.notify_http_sms_success,
                                         settings.notify_http_sms_id_field, timeout)
    if settings.notify_smtp_host:
        out.email = SmtpEmail(settings.notify_smtp_host, settings.notify_smtp_port,
                              settings.notify_smtp_from, settings.notify_smtp_username,
                              settings.notify_smtp_password, settings.notify_smtp_starttls, timeout)
    for name, robot in settings.notify_robots.items():
        kind = robot.get("kind", "dingtalk")
        out.robots[name] = Robot(kind, robot["url"], robot.get("secret", ""), timeout)
    return out
