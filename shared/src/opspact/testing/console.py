"""A person signed in to the web console over plain HTTP (through the gateway's origin),
for tests that check what its pages answer without a browser."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from opspact.cli.common import dev_token


def origin(stack) -> dict[str, str]:
    """The Origin header a browser sends on a form from the console's own pages."""
    return {"Origin": stack.url("gateway")}


def api_person(tenant: str, subject: str, *roles: str) -> dict[str, str]:
    """API headers of a person (to set up what the console then shows)."""
    return {"Authorization": f"Bearer {dev_token([tenant], list(roles), subject)}"}


@contextmanager
def signed_in(stack, tenants: list[str], role: str, subject: str = "dev-user"
              ) -> Iterator[tuple[httpx.Client, str]]:
    """A client holding a console session, and the session's CSRF token."""
    with httpx.Client(base_url=stack.url("gateway"), timeout=30) as browser:
        form = browser.get("/console/signin")
        pre = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
        signed = browser.post("/console/signin/dev", headers=origin(stack), data={
            "csrf_token": pre, "tenant": tenants, "role": role, "subject": subject})
        assert signed.status_code == 303, signed.text
        page = browser.get("/console/queue")
        csrf = re.search(r'"X-CSRF-Token": "([^"]+)"', page.text).group(1)
        yield browser, csrf
