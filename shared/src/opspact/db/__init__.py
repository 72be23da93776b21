"""Async SQLAlchemy engine, unit of work and tenant binding."""

from opspact.db.engine import Database, asyncpg_connect_args
from opspact.db.tenant import bind_tenant

__all__ = ["Database", "asyncpg_connect_args", "bind_tenant"]
