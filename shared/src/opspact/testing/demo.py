"""A stack of a test module's own, with a tenant's demo year loaded (opspact.demo) — for
tests that need a year of history without disturbing the session stack's tenants."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from opspact.cli.stack import DEFAULT_PORTS, Stack, listen_ports, repo_root
from opspact.cli.tenant import apply_tenants
from opspact.demo.loader import Summary, load

TENANTS = repo_root() / "deploy" / "tenants"


@contextmanager
def stack_with_demo_year(folder: Path, tenant: str = "zhuhai") -> Iterator[tuple[Stack, Summary]]:
    """(the stack, what the loader made); the stack stops on exit."""
    stack = Stack(data_dir=folder, ports=listen_ports(DEFAULT_PORTS), durable=False)
    stack.start()
    try:
        apply_tenants(TENANTS, base_url=stack.url("gateway"))
        summary = asyncio.run(load(tenant, base_url=stack.url("gateway"), tenants_dir=TENANTS, reports=False))
        yield stack, summary
    finally:
        stack.stop()
