"""Reports on schedule: `opspact report publish --due` asks each tenant's catalogue which
periods have ended lately and publishes each into ticketing's archive (POST
/report-archive), which renders it, keeps it with its SHA-256 and has notify announce it.

Publishing is idempotent on the server (a period already archived is returned as it is),
so the schedule can run as often as one likes and after any outage: each run publishes
what is missing among the periods that ended in the last `--within-days`. In Kubernetes it
is a CronJob (deploy/k8s/base/report-scheduler.yaml); `opspact up` runs it hourly with
`--every`. It acts with OPSPACT_TOKEN — an identity with the vendor manager's role for the
tenants named — or in dev with a token it mints as `report-scheduler`."""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from opspact.calendar import SHANGHAI, minute_text
from opspact.cli.common import ApiError, CliError, api_call

SUBJECT = "report-scheduler"
ROLES = ["vendor_manager"]
DEFAULT_WITHIN_DAYS = 40  # a month's report is still published after a few weeks' outage


@dataclass(frozen=True)
class Outcome:
    tenant: str
    kind: str
    period: str
    status: str  # published | already | failed
    detail: str = ""
    archive_id: int | None = None
    version: int | None = None


def due(tenant: str, today: date, within_days: int) -> list[tuple[str, str]]:
    """(kind, period) of every required report whose period ended in the last
    `within_days` days and within the term."""
    since = today - timedelta(days=within_days)
    try:
        catalogue = api_call("GET", "/api/ticketing/reports", tenant, ROLES, SUBJECT).json()
    except ApiError as exc:
        if exc.status != 422:  # 422: the tenant file gives no term dates; look back instead
            raise
        catalogue = api_call("GET", "/api/ticketing/reports", tenant, ROLES, SUBJECT,
                             params={"from": since.isoformat(), "to": today.isoformat()}).json()
    return [(p["kind"], p["code"]) for p in catalogue["periods"]
            if since <= date.fromisoformat(p["last"]) < today]


def publish(tenant: str, kind: str, period: str, again: bool = False, reason: str | None = None) -> Outcome:
    body = {"kind": kind, "period": period, **({"again": True, "reason": reason} if again else {})}
    try:
        response = api_call("POST", "/api/ticketing/report-archive", tenant, ROLES, SUBJECT, json=body)
    except CliError as exc:
        return Outcome(tenant, kind, period, "failed", str(exc))
    archived = response.json()
    pdf = next((f["sha256"] for f in archived["files"] if f["format"] == "pdf"), "")
    return Outcome(tenant, kind, period, "published" if response.status_code == 201 else "already",
                   f"PDF SHA-256 {pdf[:16]}…", archived["id"], archived["version"])


def publish_due(tenants: list[str], within_days: int, today: date | None = None) -> list[Outcome]:
    today = today or datetime.now(SHANGHAI).date()
    out: list[Outcome] = []
    for tenant in tenants:
        try:
            wanted = due(tenant, today, within_days)
        except CliError as exc:
            out.append(Outcome(tenant, "-", "-", "failed", f"catalogue: {exc}"))
            continue
        out.extend(publish(tenant, kind, period) for kind, period in wanted)
    return out


def print_outcomes(outcomes: list[Outcome]) -> None:
    stamp = minute_text(datetime.now(SHANGHAI))
    for o in outcomes:
        made = f"#{o.archive_id} v{o.version}" if o.archive_id else ""
        print(f"{stamp}  {o.tenant:<9} {o.kind:<9} {o.period:<8} {o.status:<9} {made} {o.detail}".rstrip(),
              flush=True)
    if not outcomes:
        print(f"{stamp}  nothing due", flush=True)


def run_every(tenants: list[str], within_days: int, seconds: int) -> None:
    """Publish what is due, then again every `seconds`, until stopped (a failed round is
    printed and retried next time)."""
    while True:
        try:
            print_outcomes(publish_due(tenants, within_days))
        except Exception as exc:  # noqa: BLE001 - a scheduler outlives one bad round
            print(f"round failed: {exc}", file=sys.stderr, flush=True)
        time.sleep(seconds)
