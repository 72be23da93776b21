"""Inventory's HTTP surface."""

from inventory.assets.endpoints import router as assets_router

routers = [assets_router]
