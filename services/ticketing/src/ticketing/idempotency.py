"""Idempotency keys belong to the caller who sent them, and to the request they came with.

Two users of a tenant choosing the same key (a UUID library with a bad seed, a form that
reuses one) must not receive each other's ticket or change; the same key with another body
is a conflict (RFC draft "The Idempotency-Key HTTP Header Field", §2.6), not the old answer."""

from __future__ import annotations

import hashlib
import json

from pydantic import BaseModel


def scoped(actor: str, key: str | None) -> str | None:
    """The key as stored: the caller's and the client's key, hashed (fits the column)."""
    if key is None:
        return None
    return "k1:" + hashlib.sha256(f"{actor}\n{key}".encode()).hexdigest()


def request_hash(body: BaseModel) -> str:
    return hashlib.sha256(json.dumps(body.model_dump(mode="json"), sort_keys=True).encode()).hexdigest()
