from functools import lru_cache

from opspact.settings import ServiceSettings


class InventorySettings(ServiceSettings):
    service_name: str = "inventory"


@lru_cache
def get_settings() -> InventorySettings:
    return InventorySettings()
