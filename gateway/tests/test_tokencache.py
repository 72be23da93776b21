"""Token caches: reuse within their window, never beyond the token's own life."""

import time

import jwt
from gateway.tokencache import InternalTokens, VerifiedTokens
from opspact.auth import Principal, ensure_keypair


def test_internal_token_reused_per_principal_and_audience(tmp_path):
    private, _ = ensure_keypair(tmp_path)
    tokens = InternalTokens(private)
    a = Principal("u1", "xinjiang", ("auditor",))
    first = tokens.for_(a, "ticketing")
    assert tokens.for_(a, "ticketing") == first
    assert tokens.for_(a, "notify") != first
    assert tokens.for_(Principal("u1", "zhuhai", ("auditor",)), "ticketing") != first
    assert jwt.decode(first, options={"verify_signature": False})["aud"] == "ticketing"


def test_verified_claims_expire_with_the_token():
    cache = VerifiedTokens(max_entries=2)
    cache.put("t1", {"exp": time.time() + 60, "sub": "a"})
    cache.put("t2", {"exp": time.time() - 1, "sub": "b"})
    assert cache.get("t1")["sub"] == "a"
    assert cache.get("t2") is None
    cache.put("t3", {"exp": time.time() + 60})
    cache.put("t4", {"exp": time.time() + 60})
    assert cache.get("t1") is None  # bounded: the oldest went first
