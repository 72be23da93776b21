"""`opspact hook send --tenant T --source S [FILE]`: post a report as the integration
would, signed with its secret (`OPSPACT_HOOK_SECRET`, or the dev secret in dev)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import httpx

from opspact import hooksig
from opspact.cli.common import CliError, gateway_url, print_json


def register(nouns) -> None:
    parser = nouns.add_parser("hook", help="integrations posting faults and alerts")
    verbs = parser.add_subparsers(dest="verb", required=True)
    send = verbs.add_parser("send", help="sign and post one report (JSON from FILE or stdin)")
    send.add_argument("--tenant", required=True)
    send.add_argument("--source", required=True, help="12123, fee-platform, zabbix, …")
    send.add_argument("--idempotency-key")
    send.add_argument("file", nargs="?", type=Path, help="JSON body (default: stdin)")
    send.set_defaults(func=_send)


def _secret(tenant: str, source: str) -> str:
    secret = os.environ.get("OPSPACT_HOOK_SECRET")
    if secret:
        return secret
    if os.environ.get("OPSPACT_ENV", "dev") not in ("dev", "test"):
        raise CliError("set OPSPACT_HOOK_SECRET to the integration's secret")
    return hooksig.dev_secret(tenant, source)


def _send(args) -> int:
    raw = args.file.read_bytes() if args.file else sys.stdin.buffer.read()
    try:
        json.loads(raw)
    except ValueError as exc:
        raise CliError(f"the body is not JSON: {exc}") from exc
    headers = {"Content-Type": "application/json",
               **hooksig.signed_headers(_secret(args.tenant, args.source), raw)}
    if args.idempotency_key:
        headers["Idempotency-Key"] = args.idempotency_key
    url = f"{gateway_url()}/hooks/{args.tenant}/{args.source}"
    try:
        response = httpx.post(url, content=raw, headers=headers, timeout=30)
    except httpx.HTTPError as exc:
        raise CliError(f"cannot reach the gateway at {gateway_url()}: {exc}") from exc
    body = response.json() if response.headers.get("content-type", "").find("json") >= 0 else {}
    if response.status_code >= 400:
        raise CliError(f"{response.status_code} {body.get('detail', response.text[:200])}")
    print_json(body)
    return 0
