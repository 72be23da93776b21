"""Hook signatures: what is accepted and why anything else is not."""

import pytest
from opspact.errors import Unauthorized
from opspact.hooksig import sign, signed_headers, verify

BODY = b'{"fault_id": "F-1"}'
NOW = 1_790_000_000


def test_round_trip_and_delivery_id_is_stable():
    headers = signed_headers("s3cret", BODY, NOW)
    first = verify("s3cret", headers["X-OpsPact-Timestamp"], headers["X-OpsPact-Signature"], BODY, NOW)
    again = verify("s3cret", headers["X-OpsPact-Timestamp"], headers["X-OpsPact-Signature"], BODY,
                   NOW + 299)
    assert first == again and len(first) == 64


def test_known_vector():
    # printf '1790000000.{"a":1}' | openssl dgst -sha256 -hmac key
    assert sign("key", 1_790_000_000, b'{"a":1}') == (
        "sha256=7a4d26944722100249410c8c7f2e76c3cc6e9735fcc98b39e44a122da5490ffc")


@pytest.mark.parametrize(("secret", "timestamp", "body", "now", "words"), [
    ("other", str(NOW), BODY, NOW, "does not match"),
    ("s3cret", str(NOW), BODY + b" ", NOW, "does not match"),
    ("s3cret", str(NOW), BODY, NOW + 301, "behind"),
    ("s3cret", str(NOW), BODY, NOW - 301, "ahead of"),
    ("s3cret", "17e8", BODY, NOW, "Unix seconds"),
    ("s3cret", "", BODY, NOW, "signature required"),
])
def test_refusals_name_the_reason(secret, timestamp, body, now, words):
    signature = sign("s3cret", NOW, BODY)
    with pytest.raises(Unauthorized, match=words):
        verify(secret, timestamp, signature, body, now)
