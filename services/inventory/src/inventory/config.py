from functools import lru_cache

from opspact.settings import ServiceSettings


class InventorySettings(ServiceSettings):
    service_name: str = "inventory"
    # The watch (overdue credential rotations, roster gaps): how often the leader looks,
    # and how many days ahead an uncovered post-hour is announced.
    watch_enabled: bool = True
    watch_tick_seconds: float = 60.0
    roster_gap_horizon_days: int = 7


@lru_cache
def get_settings() -> InventorySettings:
    return InventorySettings()
