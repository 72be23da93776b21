from functools import lru_cache

from opspact.settings import ServiceSettings


class TicketingSettings(ServiceSettings):
    service_name: str = "ticketing"
    # How often the SLA scheduler leader looks at the index heads (breach lag ≤ this).
    sla_tick_seconds: float = 0.25
    sla_scheduler_enabled: bool = True
    # The inspection watch: how often it looks for missed rounds, and how far back
    # (rounds whose deadline passed while it was down longer are not announced).
    inspection_watch_enabled: bool = True
    inspection_tick_seconds: float = 60.0
    inspection_lookback_hours: int = 48
    # Evidence is posted as the file itself, within the 1 MiB body limit of every process.
    evidence_max_bytes: int = 1_000_000


@lru_cache
def get_settings() -> TicketingSettings:
    return TicketingSettings()
