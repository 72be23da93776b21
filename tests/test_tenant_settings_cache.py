"""A tenant's settings are parsed once per version of its slice (opspact.tenancy.registry.
parsed_tenant): a new `config_hash` or a newly recorded term is seen at the next call."""

from __future__ import annotations

import asyncio
import json

from opspact.app import ServiceTables
from opspact.db import Database
from opspact.tenancy.registry import parsed_tenant
from opspact.testing.probes import query
from sqlalchemy import MetaData

SLUG = "cache-probe"


def test_settings_are_parsed_again_only_when_the_slice_changes(stack):
    tenants = ServiceTables(MetaData(schema="ticketing")).tenants
    parsed: list[dict] = []

    def parse(config: dict) -> dict:
        parsed.append(config)
        return config

    async def read() -> dict:
        db = Database(stack.database_url, pool_size=1)
        try:
            async with db.unit_of_work() as session:
                return await parsed_tenant(session, tenants, SLUG, parse)
        finally:
            await db.dispose()

    query(stack, "INSERT INTO ticketing.tenants (tenant_id, name, config, config_hash) "
                 "VALUES ($1, 'probe', $2::jsonb, 'v1')", SLUG,
          json.dumps({"contract": {"term": {}}, "settings": {"n": 1}}))
    try:
        first = asyncio.run(read())
        assert asyncio.run(read()) is first and len(parsed) == 1  # the same version: no parse
        query(stack, "UPDATE ticketing.tenants SET config = $2::jsonb, config_hash = 'v2' "
                     "WHERE tenant_id = $1", SLUG, json.dumps({"contract": {}, "settings": {"n": 2}}))
        assert asyncio.run(read())["settings"] == {"n": 2} and len(parsed) == 2
        query(stack, "UPDATE ticketing.tenants SET recorded_term = $2::jsonb WHERE tenant_id = $1",
              SLUG, json.dumps({"start": "2026-01-01", "end": "2026-12-31"}))
        assert asyncio.run(read())["contract"]["term"]["start"] == "2026-01-01" and len(parsed) == 3
        asyncio.run(read())
        assert len(parsed) == 3
    finally:
        query(stack, "DELETE FROM ticketing.tenants WHERE tenant_id = $1", SLUG)
