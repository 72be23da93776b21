from functools import lru_cache

from opspact.settings import ServiceSettings


class TicketingSettings(ServiceSettings):
    service_name: str = "ticketing"
    # How often the SLA scheduler leader looks at the index heads (breach lag ≤ this).
    sla_tick_seconds: float = 0.25
    sla_scheduler_enabled: bool = True


@lru_cache
def get_settings() -> TicketingSettings:
    return TicketingSettings()
