"""Token buckets per tenant and per client: a burst is allowed, a sustained flood is
answered 429 with the seconds until a token is back.

The buckets live in each gateway replica (no shared store in the stack): with N
replicas behind a balancer the effective limit is up to N× the configured one,
which the configured figures account for. Idle buckets are dropped (LRU), so a
spray of client ids cannot grow memory without bound."""

from __future__ import annotations

import math
import time
from collections import OrderedDict

from opspact.errors import TooManyRequests


class Buckets:
    def __init__(self, rate: float, burst: float, max_keys: int = 10_000) -> None:
        self.rate, self.burst, self.max_keys = rate, burst, max_keys
        self._state: OrderedDict[str, tuple[float, float]] = OrderedDict()  # key → (tokens, at)

    def take(self, key: str, now: float | None = None) -> float:
        """0 when a token was taken, else the seconds until one is available."""
        now = time.monotonic() if now is None else now
        tokens, at = self._state.pop(key, (self.burst, now))
        tokens = min(self.burst, tokens + (now - at) * self.rate)
        wait = 0.0
        if tokens >= 1:
            tokens -= 1
        else:
            wait = (1 - tokens) / self.rate
        self._state[key] = (tokens, now)
        while len(self._state) > self.max_keys:
            self._state.popitem(last=False)
        return wait


class RateLimits:
    """`check(tenant=…, client=…)` takes one token from each named bucket."""

    def __init__(self, per_tenant: tuple[float, float], per_client: tuple[float, float]) -> None:
        self.tenant = Buckets(*per_tenant)
        self.client = Buckets(*per_client)

    def check(self, tenant: str, client: str) -> None:
        for scope, buckets, key in (("client", self.client, client),
                                    ("tenant", self.tenant, tenant)):
            wait = buckets.take(key)
            if wait > 0:
                raise TooManyRequests(f"rate limit of the {scope} {key!r} reached "
                                      f"({buckets.rate:g}/s, burst {buckets.burst:g})",
                                      retry_after=max(1, math.ceil(wait)))
