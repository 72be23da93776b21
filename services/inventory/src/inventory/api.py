"""Inventory's HTTP surface."""

from inventory.assets.endpoints import router as assets_router
from inventory.people.endpoints import router as people_router

routers = [assets_router, people_router]
