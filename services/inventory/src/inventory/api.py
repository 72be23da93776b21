"""Inventory's HTTP surface."""

from inventory.assets.endpoints import router as assets_router
from inventory.attendance.endpoints import router as attendance_router
from inventory.credentials.endpoints import router as credentials_router
from inventory.documents.endpoints import router as documents_router
from inventory.people.endpoints import router as people_router
from inventory.terms import router as terms_router
from inventory.trainings.endpoints import router as trainings_router

routers = [assets_router, people_router, credentials_router, terms_router, trainings_router,
           attendance_router, documents_router]
