from functools import lru_cache

from opspact.settings import ServiceSettings


class TicketingSettings(ServiceSettings):
    service_name: str = "ticketing"


@lru_cache
def get_settings() -> TicketingSettings:
    return TicketingSettings()
