"""`opspact up`: the whole stack on this machine, until Ctrl-C or SIGTERM."""

from __future__ import annotations

import os
import signal
import sys
import threading
from pathlib import Path

from opspact.cli.common import CliError, dev_token
from opspact.cli.stack import DEFAULT_PORTS, Stack, StackError, repo_root
from opspact.cli.tenant import apply_tenants


def register(nouns) -> None:
    parser = nouns.add_parser("up", help="start the whole stack locally")
    parser.add_argument("--data-dir", type=Path, default=Path(".opspact"))
    parser.add_argument("--external", action="store_true",
                        help="use OPSPACT_DATABASE_URL and OPSPACT_KAFKA_BOOTSTRAP")
    parser.add_argument("--no-demo", action="store_true", help="do not load the demo tenants")
    parser.add_argument("--restore", type=Path, metavar="BACKUP",
                        help="start a fresh --data-dir from a backup (opspact backup --out)")
    parser.add_argument("--no-demo-year", action="store_true",
                        default=os.environ.get("OPSPACT_DEMO_YEAR", "1") == "0",
                        help="apply the tenants but load no demo year (OPSPACT_DEMO_YEAR=0 does the same)")
    parser.set_defaults(func=_up)


def ports_from_env() -> dict[str, int]:
    ports = dict(DEFAULT_PORTS)
    for name in ports:
        value = os.environ.get(f"OPSPACT_{name.upper().replace('-', '_')}_PORT")
        if value:
            ports[name] = int(value)
    return ports


def _up(args) -> int:
    os.environ.setdefault("OPSPACT_LOG_FORMAT", "text")  # people read these logs; collectors get JSON
    stack = Stack(data_dir=args.data_dir, ports=ports_from_env(), external=args.external,
                  database_url=os.environ.get("OPSPACT_DATABASE_URL") if args.external else None,
                  kafka_bootstrap=os.environ.get("OPSPACT_KAFKA_BOOTSTRAP") if args.external else None)
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    signal.signal(signal.SIGINT, lambda *_: stopping.set())
    try:
        print("starting PostgreSQL, the broker, migrations, the services, the gateway and the console ...",
              flush=True)
        stack.start(restore_from=args.restore)
        if not args.no_demo:
            results = apply_tenants(repo_root() / "deploy" / "tenants", base_url=stack.url("gateway"))
            changed = sum(r["changed"] for r in results)
            print(f"demo tenants loaded ({changed} service slices changed)")
            tenants = list(dict.fromkeys(r["tenant"] for r in results))
            if not args.no_demo_year and args.restore is None:  # a restored history is the history
                _load_demo_year(stack, args.data_dir, tenants)
            _start_report_scheduler(stack, tenants)
        _print_welcome(stack)
        while not stopping.wait(1):
            failed = stack.failed()
            if failed is not None:
                raise StackError(f"{failed[0]} exited with code {failed[1]}; "
                                 f"see {stack.log_dir / (failed[0] + '.log')}")
    except StackError as exc:
        raise CliError(str(exc)) from exc
    finally:
        print("stopping ...", flush=True)
        stack.stop()
    return 0


def _load_demo_year(stack: Stack, data_dir: Path, tenants: list[str]) -> None:
    """Once per data directory (a marker file remembers it; the loader is idempotent too):
    the history first, then its reports archived in the background (logs/demo-reports.log)."""
    from opspact.cli.demo import describe, load_all
    marker = data_dir / "demo-year-loaded"
    if marker.exists():
        return
    print("loading the demo year of each contract (about 20 s a tenant; OPSPACT_DEMO_YEAR=0 skips it) ...",
          flush=True)
    for summary in load_all(tenants, stack.url("gateway"), repo_root() / "deploy" / "tenants", reports=False):
        print("  " + describe(summary), flush=True)
    marker.write_text("loaded\n", encoding="utf-8")
    argv = [sys.executable, "-m", "opspact.cli.main", "demo", "reports"]
    for tenant in tenants:
        argv += ["--tenant", tenant]
    stack.start_command("demo-reports", argv, {"OPSPACT_URL": stack.url("gateway"), "OPSPACT_ENV": "dev"},
                        one_shot=True)


def _start_report_scheduler(stack: Stack, tenants: list[str]) -> None:
    """What the k8s CronJob does nightly, hourly here: publish the reports of the periods
    that ended (opspact.cli.publish)."""
    argv = [sys.executable, "-m", "opspact.cli.main", "report", "publish", "--due", "--every", "3600"]
    for tenant in dict.fromkeys(tenants):
        argv += ["--tenant", tenant]
    stack.start_command("report-scheduler", argv, {"OPSPACT_URL": stack.url("gateway"), "OPSPACT_ENV": "dev"})


def _print_welcome(stack: Stack) -> None:
    token = dev_token(["xinjiang"], ["vendor_manager"])
    gw = stack.url("gateway")
    print(f"""
OpsPact is up. Open {gw}/ in a browser (dev sign-in: pick a tenant and a role).

  console    {gw}/   (served by {stack.url('console')} behind the gateway)
  gateway    {gw}
  ticketing  {stack.url('ticketing')}   inventory {stack.url('inventory')}
  billing    {stack.url('billing')}   notify    {stack.url('notify')}
  SMS sink   {stack.url('sms-sink')}/messages
  mail in    smtp://127.0.0.1:{stack.ports['mail-intake']}
             (zhuhai's questions to zhuhai-support@opspact.example, from example.gov.cn or example.com)
  PostgreSQL {stack.database_url}
  Kafka      {stack.kafka_bootstrap}

Report a fault the way the 12123 platform does (signed with the dev secret):
  echo '{{"fault_id": "F-0001", "system": "12123-fees", "title": "缴费失败"}}' |
    .venv/bin/opspact hook send --tenant xinjiang --source 12123
Reports of ended periods are published hourly ({stack.log_dir / 'report-scheduler.log'}):
  .venv/bin/opspact report publish --due --tenant beijing
List the tickets:
  curl -s {gw}/api/ticketing/tickets -H 'Authorization: Bearer {token}'

Ctrl-C stops everything.""", flush=True)
