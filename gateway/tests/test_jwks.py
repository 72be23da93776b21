"""JWT verification against a JWKS: every way a token can be wrong is refused with
its reason; rotation, and a JWKS source that goes down, are survived."""

import asyncio
import base64
import hashlib
import hmac
import json
import time

import jwt
import pytest
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from gateway.jwks import KeySet, key_algorithm, verify
from opspact.errors import Unauthorized
from opspact.testing.idp import AUDIENCE, ISSUER, FakeIdp, public_jwk


@pytest.fixture(scope="module")
def idp():
    idp = FakeIdp()
    for kid, algorithm in (("rsa-1", "RS256"), ("ec-1", "ES256"), ("ed-1", "EdDSA")):
        idp.add_key(kid, algorithm)
    idp.start()
    yield idp
    idp.stop()


def check(token: str, keys: KeySet) -> dict:
    return asyncio.run(verify(token, keys, ISSUER, AUDIENCE))


def refused(token: str, keys: KeySet, words: str) -> None:
    with pytest.raises(Unauthorized, match=words):
        check(token, keys)


def b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


@pytest.mark.parametrize("kid", ["rsa-1", "ec-1", "ed-1"])
def test_each_family_verifies(idp, kid):
    claims = check(idp.token(kid, ["xinjiang"], ["vendor_engineer"]), KeySet(idp.url))
    assert claims["tenants"] == ["xinjiang"] and claims["sub"] == "user-1"


def test_alg_none_is_refused(idp):
    token = f"{b64({'alg': 'none', 'kid': 'rsa-1'})}.{b64({'sub': 'x'})}."
    refused(token, KeySet(idp.url), "'none' is not accepted")


def test_hs256_signed_with_the_rsa_public_key_is_refused(idp):
    _, key = idp.keys["rsa-1"]
    pem = key.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
    jwk_text = json.dumps(public_jwk("rsa-1", "RS256", key)).encode()
    now = int(time.time())
    claims = {"iss": ISSUER, "aud": AUDIENCE, "sub": "x", "iat": now, "exp": now + 60}
    for secret in (pem, jwk_text):  # the classic key-confusion attack, PEM and JWK forms
        header = b64({"alg": "HS256", "kid": "rsa-1", "typ": "JWT"})
        payload = b64(claims)
        signature = base64.urlsafe_b64encode(hmac.new(
            secret, f"{header}.{payload}".encode(), hashlib.sha256).digest()).rstrip(b"=").decode()
        refused(f"{header}.{payload}.{signature}", KeySet(idp.url), "'HS256' is not accepted")


def test_key_of_one_family_cannot_verify_another_algorithm(idp):
    _, key = idp.keys["rsa-1"]
    token = jwt.encode({"iss": ISSUER, "aud": AUDIENCE, "sub": "x", "iat": int(time.time()),
                        "exp": int(time.time()) + 60}, key, algorithm="RS384",
                       headers={"kid": "rsa-1"})
    refused(token, KeySet(idp.url), "'RS384' is not accepted")
    ec_key = idp.keys["ec-1"][1]
    token = jwt.encode({"sub": "x"}, ec_key, algorithm="ES256", headers={"kid": "rsa-1"})
    refused(token, KeySet(idp.url), "is for RS256, not ES256")


@pytest.mark.parametrize(("overrides", "words"), [
    ({"iss": None}, 'required.*"iss"|iss'),
    ({"iss": "https://elsewhere"}, "issuer"),
    ({"aud": "another-app"}, "(?i)audience"),
    ({"aud": None}, "aud"),
    ({"exp": lambda now: now - 120}, "expired"),  # relative to when the test runs,
    ({"iat": lambda now: now + 600}, "not yet valid"),  # not to when it was collected
    ({"sub": None}, "sub"),
])
def test_claims_are_checked(idp, overrides, words):
    now = int(time.time())
    claims = {k: v(now) if callable(v) else v for k, v in overrides.items()}
    refused(idp.token("rsa-1", ["xinjiang"], [], **claims), KeySet(idp.url), words)


def test_small_clock_skew_is_tolerated(idp):
    token = idp.token("ec-1", ["xinjiang"], [], iat=int(time.time()) + 20)
    assert check(token, KeySet(idp.url))["sub"] == "user-1"


def test_unknown_crit_and_missing_kid_are_refused(idp):
    _, key = idp.keys["rsa-1"]
    now = int(time.time())
    claims = {"iss": ISSUER, "aud": AUDIENCE, "sub": "x", "iat": now, "exp": now + 60}
    token = jwt.encode(claims, key, algorithm="RS256",
                       headers={"kid": "rsa-1", "crit": ["exp-ext"], "exp-ext": 1})
    refused(token, KeySet(idp.url), "critical (header|extension)")
    refused(jwt.encode(claims, key, algorithm="RS256"), KeySet(idp.url), "no kid")


def test_tampered_payload_is_refused(idp):
    header, payload, signature = idp.token("rsa-1", ["xinjiang"], ["vendor_engineer"]).split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["tenants"] = ["beijing"]
    refused(f"{header}.{b64(claims)}.{signature}", KeySet(idp.url), "Signature verification")


def test_rotation_fetches_new_kid_at_most_once_per_interval(idp):
    keys = KeySet(idp.url, refresh_seconds=300, min_refetch_seconds=30)
    check(idp.token("rsa-1", ["xinjiang"], []), keys)
    fetches = idp.fetches
    for _ in range(6):  # a spray of unknown kids does not hammer the provider
        refused(_foreign_kid(idp), keys, "unknown key")
    assert idp.fetches - fetches <= 1
    idp.add_key("rsa-2", "RS256")  # the provider rotates
    keys.attempted_at -= 31  # …and the refetch interval has passed
    assert check(idp.token("rsa-2", ["xinjiang"], []), keys)["sub"] == "user-1"


def test_cached_keys_keep_working_while_the_jwks_is_down():
    idp = FakeIdp()
    idp.add_key("ed-1", "EdDSA")
    idp.start()
    keys = KeySet(idp.url, refresh_seconds=0, min_refetch_seconds=0)
    token = idp.token("ed-1", ["zhuhai"], [])
    check(token, keys)
    idp.stop()
    assert check(token, keys)["tenants"] == ["zhuhai"]  # refresh failed, cache served
    assert keys.last_error is not None


def test_jwks_file_source_and_key_algorithms(idp, tmp_path):
    path = tmp_path / "jwks.json"
    path.write_text(json.dumps(idp.jwks()), encoding="utf-8")
    assert check(idp.token("ec-1", ["wuqia"], []), KeySet(str(path)))["tenants"] == ["wuqia"]
    rsa_key = idp.keys["rsa-1"][1]
    assert key_algorithm(public_jwk("k", "RS256", rsa_key, with_alg=False)) == "RS256"
    assert key_algorithm({"kty": "oct", "k": "c2VjcmV0"}) is None  # no symmetric keys
    assert key_algorithm({"kty": "RSA", "alg": "PS256"}) is None


def _foreign_kid(idp: FakeIdp) -> str:
    stranger = FakeIdp()
    stranger.add_key("never-seen", "RS256")
    return stranger.token("never-seen", ["xinjiang"], [])
