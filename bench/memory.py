"""Memory: every process's RSS and PSS idle and after work, and jieba stock vs its tries.

The stack starts (durable PostgreSQL), idles, and is measured; then `BENCH_MEMORY_FAULTS`
(200) hooks go through to the SMS sink and each service is read and searched, and the
stack is measured again. RSS counts the shared libraries in every process that maps them
(30 MB of ticketing's); PSS divides them among those processes. Worker processes a service
starts (the report worker, notify's render pool) are shown on their own lines.

Side by side, in two fresh interpreters: what cutting Chinese costs in memory and time with
stock jieba and with `ticketing.knowledge.lexicon` (the same cut on memory-mapped tries).
Goal (issue 27): idle RSS per process ≤ 120 MB.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import httpx
from opspact.cli.common import dev_token
from opspact.cli.stack import repo_root
from opspact.testing.plugin import wait_until

from bench.common import running_stack
from bench.fault_cpu import settled, sink_accepted
from bench.load import run, signed_hooks

TENANT = "xinjiang"
CUT = """
import json, os, sys, time
def rss():
    return int(open(f"/proc/{os.getpid()}/statm").read().split()[1]) * 4096 / 2**20
texts = json.load(sys.stdin)
import ticketing.knowledge.segment  # the service's own imports first
before, started = rss(), time.process_time()
if sys.argv[1] == "stock":
    import jieba, logging
    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    cutter = jieba.dt
else:
    from ticketing.knowledge import lexicon
    cutter = lexicon.tokenizer()
loaded = time.process_time()
for text in texts:
    list(cutter.cut_for_search(text)), list(cutter.cut(text))
took = time.process_time() - loaded
print(json.dumps({"mb": rss() - before, "load_s": loaded - started, "us": took / len(texts) * 1e6}))
"""


def memory_mb(pid: int) -> tuple[float, float]:
    """(RSS, PSS) of one process."""
    values = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("Rss", "Pss"):
            values[key] = int(rest.split()[0]) / 1024
    return values["Rss"], values["Pss"]


def descendants(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            found += [int(child), *descendants(int(child))]
    return found


def snapshot(stack) -> dict[str, tuple[float, float]]:
    """Each process by name, its workers as `name/worker N`."""
    taken = {}
    for name, proc in stack.procs.items():
        if proc.poll() is not None or name == "postgres":
            continue
        taken[name] = memory_mb(proc.pid)
        for index, child in enumerate(descendants(proc.pid), 1):
            try:
                taken[f"{name}/worker {index}"] = memory_mb(child)
            except OSError:
                pass  # gone meanwhile
    return taken


def corpus() -> list[str]:
    files = [*repo_root().glob("deploy/tenants/*.yaml"), *repo_root().glob("shared/src/opspact/demo/*.py")]
    return [line.strip() for f in files for line in f.read_text(encoding="utf-8").splitlines()
            if re.search(r"[\u4e00-\u9fff]", line)]


def cutting(kind: str, texts: list[str]) -> dict:
    done = subprocess.run([sys.executable, "-c", CUT, kind], input=json.dumps(texts), text=True,
                          capture_output=True, timeout=300, check=True)
    return json.loads(done.stdout)


def work(stack, faults: int) -> None:
    expected = sink_accepted(stack) + faults
    run(stack.url("gateway"), signed_hooks(faults), concurrency=4)
    wait_until(lambda: settled(stack, expected), timeout=300, interval=0.2,
               message=f"{faults} SMS at the sink and empty outboxes")
    token = dev_token([TENANT], ["vendor_manager"])
    headers = {"Authorization": f"Bearer {token}", "X-Opspact-Tenant": TENANT}
    with httpx.Client(base_url=stack.url("gateway"), headers=headers, timeout=30) as client:
        for path in ("/api/ticketing/tickets?limit=50", "/api/ticketing/tickets?q=缴费 失败",
                     "/api/inventory/assets?limit=50", "/api/billing/ledger?limit=50",
                     "/api/notify/notifications?limit=50", "/api/ticketing/knowledge?q=数据库"):
            client.get(path).raise_for_status()


def main() -> None:
    faults = int(os.environ.get("BENCH_MEMORY_FAULTS", 200))
    print(f"memory: idle, then after {faults} faults through to the SMS sink and a read of "
          "each service", flush=True)
    with running_stack(durable=True) as (stack, _):
        time.sleep(10)
        idle = snapshot(stack)
        work(stack, faults)
        time.sleep(5)
        after = snapshot(stack)
    print(f"{'process':<24}{'idle RSS':>10}{'PSS':>8}{'after RSS':>11}{'PSS':>8}   MB")
    for name in sorted(set(idle) | set(after)):
        a, b = idle.get(name, (0.0, 0.0)), after.get(name, (0.0, 0.0))
        print(f"{name:<24}{a[0]:>10.1f}{a[1]:>8.1f}{b[0]:>11.1f}{b[1]:>8.1f}")
    top = max(after.items(), key=lambda item: item[1][0])
    print(f"largest after work: {top[0]} RSS {top[1][0]:.1f} MB = {top[1][0] / 120:.2f}× the 120 MB goal "
          f"(PSS {top[1][1]:.1f} MB)")
    texts = corpus()
    stock, compact = cutting("stock", texts), cutting("lexicon", texts)
    print(f"{'cutting ' + str(len(texts)) + ' lines':<24}{'memory MB':>10}{'load s':>8}{'µs/line':>9}")
    for label, figures in (("stock jieba", stock), ("lexicon (tries)", compact)):
        print(f"{label:<24}{figures['mb']:>10.1f}{figures['load_s']:>8.2f}{figures['us']:>9.0f}")
    print(f"lexicon / stock: memory {compact['mb'] / stock['mb']:.2f}×, cutting time "
          f"{compact['us'] / stock['us']:.2f}× (the tries were built before: a first build "
          "takes about 1 s in a child process)")
