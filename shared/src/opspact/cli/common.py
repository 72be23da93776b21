"""What every CLI command shares: the gateway address, the token, output."""

from __future__ import annotations

import json
import os
import sys
from typing import Any

from opspact.settings import DEV_JWT_SECRET


class CliError(RuntimeError):
    """Printed as one line; the command exits 1."""


class ApiError(CliError):
    """The gateway answered with a problem (`status` for callers that handle some)."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(f"{status} {detail}")
        self.status = status


def gateway_url() -> str:
    return os.environ.get("OPSPACT_URL", "http://127.0.0.1:8000").rstrip("/")


def dev_token(tenants: list[str], roles: list[str], subject: str = "opspact-cli") -> str:
    from opspact.auth import issue_dev_user_token
    if os.environ.get("OPSPACT_ENV", "dev") not in ("dev", "test"):
        raise CliError("tokens can be minted locally only in dev; set OPSPACT_TOKEN")
    secret = os.environ.get("OPSPACT_GATEWAY_JWT_SECRET", DEV_JWT_SECRET)
    return issue_dev_user_token(secret, subject, tenants, roles)


def bearer_for(tenant: str, roles: list[str], subject: str = "opspact-cli") -> dict[str, str]:
    """OPSPACT_TOKEN when set (a real identity), else a dev token for the tenant."""
    token = os.environ.get("OPSPACT_TOKEN") or dev_token([tenant], roles, subject)
    return {"Authorization": f"Bearer {token}", "X-OpsPact-Tenant": tenant}


def api_call(method: str, path: str, tenant: str, roles: list[str], subject: str = "opspact-cli",
             **kwargs):
    """A call through the gateway; problems become one-line CliErrors."""
    import httpx
    try:
        response = httpx.request(method, f"{gateway_url()}{path}", timeout=120,
                                 headers={**bearer_for(tenant, roles, subject), **kwargs.pop("headers", {})},
                                 **kwargs)
    except httpx.HTTPError as exc:
        raise CliError(f"cannot reach the gateway at {gateway_url()}: {exc}") from exc
    if response.status_code >= 400:
        try:
            detail = response.json().get("detail", response.text)
        except ValueError:
            detail = response.text[:200]
        raise ApiError(response.status_code, detail)
    return response


def print_table(rows: list[dict[str, Any]], columns: list[str]) -> None:
    widths = {c: max([len(c)] + [_width(str(r.get(c, ""))) for r in rows]) for c in columns}
    print("  ".join(c.upper().ljust(widths[c]) for c in columns))
    for row in rows:
        print("  ".join(_pad(str(row.get(c, "")), widths[c]) for c in columns))


def progress(step: int, total: int, label: str) -> None:
    """A one-line progress bar on stderr (stdout stays clean for --json)."""
    width = 24
    done = width * step // max(total, 1)
    print(f"\r[{'#' * done}{'.' * (width - done)}] {step}/{total} {label:<40}", end="",
          file=sys.stderr, flush=True)


def print_json(value: Any) -> None:
    print(json.dumps(value, ensure_ascii=False, indent=2, default=str))


def _width(text: str) -> int:
    # CJK characters take two terminal columns.
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
