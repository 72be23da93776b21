"""Contract facts the desk's pages name (the tenant's systems and posts), read through
the API and kept for a few minutes: they change when a tenant file is applied, not per call."""

from __future__ import annotations

import time

from console.api import ApiError
from console.sessions import Session

KEEP_SECONDS = 300


async def systems_of(state, session: Session) -> list[dict]:
    """The tenant's systems ({code, name, core}); empty when this person may not read the
    contract terms (the forms then take a system code as text)."""
    return await _terms_list(state, session, "/ticketing/contract-terms", "systems")


async def post_names_of(state, session: Session) -> dict[str, str]:
    """The contract's posts by code (hq → 交警总队驻场); empty when not readable."""
    posts = await _terms_list(state, session, "/inventory/contract-terms", "posts")
    return {p["code"]: p["name"] for p in posts}


async def approval_chain_of(state, session: Session) -> list[dict]:
    """The contract's change approval steps ({code, name, roles, approvers}); empty when not
    readable (the page then offers the decision to anyone the API may let decide)."""
    return await _terms_list(state, session, "/ticketing/contract-terms", "change_approval")


async def _terms_list(state, session: Session, path: str, field: str) -> list[dict]:
    cache: dict = state.reference_cache
    key = (path, field, session.tenant)
    kept = cache.get(key)
    if kept and kept[0] > time.monotonic():
        return kept[1]
    try:
        terms = await state.gateway.call(session, "GET", path)
    except ApiError as exc:
        if exc.status != 403:
            raise
        return []
    found = terms.get(field, [])
    cache[key] = (time.monotonic() + KEEP_SECONDS, found)
    return found
