from functools import lru_cache
from typing import Literal

from opspact.http import LARGE_BODY_BYTES
from opspact.settings import ServiceSettings
from pydantic import Field, model_validator


class TicketingSettings(ServiceSettings):
    service_name: str = "ticketing"
    # How often the SLA scheduler leader looks at the index heads (breach lag ≤ this).
    sla_tick_seconds: float = 0.25
    # reports built and rendered in this many worker processes (ticketing.reports.pool);
    # 0: in a thread of the API process
    report_processes: int = Field(default=1, ge=0, le=8)
    sla_scheduler_enabled: bool = True
    # The inspection watch: how often it looks for missed rounds, and how far back
    # (rounds whose deadline passed while it was down longer are not announced).
    inspection_watch_enabled: bool = True
    inspection_tick_seconds: float = 60.0
    inspection_lookback_hours: int = 48
    # Evidence is posted as the file itself, within the 1 MiB body limit of every process.
    evidence_max_bytes: int = 1_000_000
    # Attachments: a file, and all of one ticket's files together. One file also stays
    # within what every process lets through for an attachment (opspact.http).
    attachment_max_bytes: int = Field(default=20 * 1024 * 1024, ge=1, le=LARGE_BODY_BYTES)
    attachment_ticket_max_bytes: int = Field(default=200 * 1024 * 1024, ge=1)
    # Where new attachment bytes go: postgres (the default) or an S3-compatible store.
    attachment_store: Literal["postgres", "s3"] = "postgres"
    s3_endpoint: str = ""  # e.g. https://oss-cn-shenzhen.aliyuncs.com, http://minio:9000
    s3_bucket: str = ""
    s3_region: str = "us-east-1"
    s3_access_key: str = ""
    s3_secret_key: str = ""
    s3_addressing: Literal["path", "virtual"] = "path"
    # The address people open (the gateway's): the follow-up SMS links to <public_url>/f/…
    public_url: str = Field(default="http://127.0.0.1:8000", pattern=r"^https?://[^/\s]+$")
    # The mail intake's SMTP listener (python -m ticketing.mail). Mail past mail_max_bytes
    # is refused during DATA with 552; a tenant may set a lower limit.
    mail_host: str = "0.0.0.0"
    mail_port: int = 8026
    mail_hostname: str = "opspact-mail"
    mail_max_bytes: int = Field(default=50 * 1024 * 1024, ge=10_000)

    @model_validator(mode="after")
    def _s3_complete(self) -> "TicketingSettings":
        if self.attachment_store == "s3":
            missing = [n for n in ("s3_endpoint", "s3_bucket", "s3_access_key", "s3_secret_key")
                       if not getattr(self, n)]
            if missing:
                raise ValueError(f"attachment_store=s3 needs {', '.join(missing)} "
                                 f"(OPSPACT_{missing[0].upper()}, …)")
        return self


@lru_cache
def get_settings() -> TicketingSettings:
    return TicketingSettings()
