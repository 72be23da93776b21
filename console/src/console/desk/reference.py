"""Contract facts the desk's forms offer as choices (the tenant's systems), read through
the API and kept for a few minutes: they change when a tenant file is applied, not per call."""

from __future__ import annotations

import time

from console.api import ApiError
from console.sessions import Session

KEEP_SECONDS = 300


async def systems_of(state, session: Session) -> list[dict]:
    """The tenant's systems ({code, name, core}); empty when this person may not read the
    contract terms (the forms then take a system code as text)."""
    cache: dict = state.reference_cache
    key = ("systems", session.tenant)
    kept = cache.get(key)
    if kept and kept[0] > time.monotonic():
        return kept[1]
    try:
        terms = await state.gateway.call(session, "GET", "/ticketing/contract-terms")
        systems = terms.get("systems", [])
    except ApiError as exc:
        if exc.status != 403:
            raise
        return []
    cache[key] = (time.monotonic() + KEEP_SECONDS, systems)
    return systems
