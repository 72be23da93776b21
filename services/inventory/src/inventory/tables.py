"""The inventory schema: one MetaData for the ORM models and the shared infrastructure tables."""

from opspact.app import ServiceTables
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

metadata = MetaData(schema="inventory")
shared = ServiceTables(metadata)


class Base(DeclarativeBase):
    metadata = metadata
