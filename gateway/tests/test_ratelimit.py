"""Token buckets: bursts pass, floods wait, idle keys are forgotten."""

import pytest
from gateway.ratelimit import Buckets, RateLimits
from opspact.errors import TooManyRequests


def test_burst_then_rate():
    b = Buckets(rate=2, burst=3)
    assert [b.take("k", now=0.0) for _ in range(3)] == [0, 0, 0]
    assert b.take("k", now=0.0) == pytest.approx(0.5)  # the next token in 1/rate
    assert b.take("k", now=0.5) == 0
    assert b.take("other", now=0.5) == 0  # keys do not share a bucket


def test_buckets_forget_the_least_recent_keys():
    b = Buckets(rate=1, burst=1, max_keys=2)
    for key in ("a", "b", "c"):
        b.take(key, now=0.0)
    assert b.take("a", now=0.0) == 0  # "a" was dropped, so it starts full again
    assert b.take("c", now=0.0) > 0


def test_limits_name_the_scope_and_say_when_to_retry():
    limits = RateLimits(per_tenant=(100, 100), per_client=(1, 1))
    limits.check("xinjiang", "officer-7")
    with pytest.raises(TooManyRequests, match="client 'officer-7'") as refused:
        limits.check("xinjiang", "officer-7")
    assert refused.value.headers["Retry-After"] == "1"
    tight = RateLimits(per_tenant=(1, 1), per_client=(100, 100))
    tight.check("zhuhai", "a")
    with pytest.raises(TooManyRequests, match="tenant 'zhuhai'"):
        tight.check("zhuhai", "b")
