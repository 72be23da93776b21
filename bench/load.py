"""A load generator cheap enough not to be the thing measured, and CPU time from /proc.

Requests are built and signed before the clock starts (distinct fault ids, the hook's own
HMAC), then sent over keep-alive connections by `opspact.upstream` — the small httptools
client the gateway itself uses — from one event loop. At a fixed rate each request leaves
at its own instant (late ones leave at once, never skipped), with at most `concurrency`
in flight; with no rate, `concurrency` callers send back to back.
"""

from __future__ import annotations

import asyncio
import json
import os
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from opspact import hooksig
from opspact.cli.stack import Stack
from opspact.testing.probes import fault
from opspact.upstream import Origin, UpstreamClient

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Prepared:
    method: str
    target: str
    headers: list[tuple[bytes, bytes]]
    body: bytes = b""


def signed_hooks(count: int, tenant: str = "xinjiang", source: str = "12123",
                 prefix: str = "LOAD") -> list[Prepared]:
    """`count` distinct fault reports, signed as the integration signs them."""
    secret = hooksig.dev_secret(tenant, source)
    requests = []
    for _ in range(count):
        body = json.dumps(fault(f"{prefix}-{uuid.uuid4().hex[:12]}"), ensure_ascii=False).encode()
        headers = [(k.lower().encode(), v.encode()) for k, v in
                   hooksig.signed_headers(secret, body).items()]
        requests.append(Prepared("POST", f"/hooks/{tenant}/{source}",
                                 [(b"content-type", b"application/json"), *headers], body))
    return requests


def bearer_gets(target: str, token: str, count: int) -> list[Prepared]:
    return [Prepared("GET", target, [(b"authorization", f"Bearer {token}".encode())])] * count


@dataclass
class Outcome:
    sent: int = 0
    by_status: dict[int, int] = field(default_factory=dict)
    latencies_ms: list[float] = field(default_factory=list)
    bodies: list[bytes] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> int:
        return sum(n for status, n in self.by_status.items() if 200 <= status < 300)


async def fire(base_url: str, requests: list[Prepared], rate: float | None = None,
               concurrency: int = 8, keep_bodies: bool = False,
               seconds: float | None = None) -> Outcome:
    """Sends `requests` (with no rate: until they run out or `seconds` have passed)."""
    origin, client, outcome = Origin.of(base_url), UpstreamClient(concurrency, 30, 5), Outcome()
    loop = asyncio.get_running_loop()

    async def one(request: Prepared) -> None:
        start = loop.time()
        answer = await client.request(origin, request.method, request.target, request.headers,
                                      request.body)
        body = await answer.read()
        outcome.latencies_ms.append((loop.time() - start) * 1000)
        outcome.by_status[answer.status] = outcome.by_status.get(answer.status, 0) + 1
        if keep_bodies:
            outcome.bodies.append(body)

    began = loop.time()
    if rate is None:
        queue = iter(requests)

        async def caller() -> None:
            for request in queue:
                await one(request)
                if seconds is not None and loop.time() - began >= seconds:
                    return
        await asyncio.gather(*(caller() for _ in range(concurrency)))
    else:
        tasks = []
        for i, request in enumerate(requests):
            pause = began + i / rate - loop.time()
            if pause > 0:
                await asyncio.sleep(pause)
            tasks.append(asyncio.create_task(one(request)))
        await asyncio.gather(*tasks)
    outcome.seconds = loop.time() - began
    outcome.sent = len(outcome.latencies_ms)
    await client.close()
    return outcome


def run(base_url: str, requests: list[Prepared], rate: float | None = None,
        concurrency: int = 8, keep_bodies: bool = False, seconds: float | None = None) -> Outcome:
    return asyncio.run(fire(base_url, requests, rate, concurrency, keep_bodies, seconds))


# -- CPU from /proc ---------------------------------------------------------------------

def _stat(pid: int) -> tuple[int, float] | None:
    """(parent pid, CPU seconds of the process and of its children it has waited for)."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2:].split()
    utime, stime, cutime, cstime = (int(x) for x in fields[11:15])
    return int(fields[1]), (utime + stime + cutime + cstime) / CLOCK_TICKS


def tree_cpu_seconds(root: int) -> float:
    """CPU seconds of a process and every descendant, living or reaped."""
    table = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (stat := _stat(int(entry))) is not None:
            table[int(entry)] = stat
    total, frontier = 0.0, [root]
    while frontier:
        pid = frontier.pop()
        if pid in table:
            total += table[pid][1]
            frontier += [child for child, (parent, _) in table.items() if parent == pid]
    return total


def postmaster_pid(stack: Stack) -> int:
    return int((stack.data_dir / "pg" / "postmaster.pid").read_text().split()[0])


def stack_cpu(stack: Stack) -> dict[str, float]:
    """CPU seconds so far of each process of the stack, PostgreSQL's whole tree included."""
    seconds = {name: tree_cpu_seconds(proc.pid) for name, proc in stack.procs.items()
               if proc.poll() is None}
    seconds["postgresql"] = tree_cpu_seconds(postmaster_pid(stack))
    return seconds


def own_cpu() -> float:
    times = os.times()
    return times.user + times.system


def cpu_between(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    return {name: after[name] - before.get(name, 0.0) for name in after}

