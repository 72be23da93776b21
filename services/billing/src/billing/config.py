from functools import lru_cache

from opspact.settings import ServiceSettings


class BillingSettings(ServiceSettings):
    service_name: str = "billing"


@lru_cache
def get_settings() -> BillingSettings:
    return BillingSettings()
