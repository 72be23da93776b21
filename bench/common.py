"""What the benchmarks share: a whole stack in a temporary directory, percentiles, and
internal tokens for calling a service directly."""

from __future__ import annotations

import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import jwt
from opspact.auth import INTERNAL_ISSUER
from opspact.cli.stack import DEFAULT_PORTS, Stack, free_port, repo_root
from opspact.cli.tenant import apply_tenants


@contextmanager
def running_stack(durable: bool = False) -> Iterator[tuple[Stack, Path]]:
    """Every process up with the tenant files applied; (stack, its directory); stopped on exit."""
    with tempfile.TemporaryDirectory(prefix="opspact-bench-") as tmp:
        stack = Stack(data_dir=Path(tmp), ports={n: free_port() for n in DEFAULT_PORTS},
                      durable=durable)
        stack.start()
        try:
            apply_tenants(repo_root() / "deploy" / "tenants", base_url=stack.url("gateway"))
            yield stack, Path(tmp)
        finally:
            stack.stop()


@contextmanager
def migrated_database() -> Iterator[Stack]:
    """PostgreSQL alone (no broker, no services), bootstrapped and migrated; stopped on exit."""
    with tempfile.TemporaryDirectory(prefix="opspact-bench-") as tmp:
        stack = Stack(data_dir=Path(tmp), ports={n: free_port() for n in DEFAULT_PORTS}, durable=False)
        stack.start_postgres()
        try:
            stack.bootstrap_database()
            stack.migrate()
            yield stack
        finally:
            stack.stop()


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def internal_token(stack: Stack, audience: str, tenant: str, roles: list[str],
                   subject: str = "bench", seconds: int = 3600) -> str:
    """What the gateway would mint per request, but valid for the whole run."""
    now = int(time.time())
    return jwt.encode({"iss": INTERNAL_ISSUER, "aud": audience, "sub": subject, "tenant": tenant,
                       "roles": roles, "iat": now, "exp": now + seconds,
                       "jti": uuid.uuid4().hex}, stack.private_key, algorithm="EdDSA")
