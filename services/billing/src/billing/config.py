from functools import lru_cache

from opspact.settings import ServiceSettings


class BillingSettings(ServiceSettings):
    service_name: str = "billing"
    # The milestone watch (due / overdue payments): a milestone changes by the day, so a
    # look every five minutes is plenty.
    watch_enabled: bool = True
    watch_tick_seconds: int = 300  # whole seconds (billing keeps floats out of its code)


@lru_cache
def get_settings() -> BillingSettings:
    return BillingSettings()
