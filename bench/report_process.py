"""Report process: where a year of reports leaves its memory, and what the API answers meanwhile.

Side by side in one run, on two stacks of their own: reports built and rendered in a thread
of the ticketing API process (`OPSPACT_REPORT_PROCESSES=0`, the old way) and in the report
worker process (1, the default). Each loads zhuhai's demo year, then publishes its 21 monthly
and longer reports (DOCX + PDF each) while a client reads `GET /tickets?limit=50` directly from
ticketing every 50 ms. Printed: the ticketing API process's RSS idle and after, the worker's,
the reads' p50/p99 before and during, and the publishing time.
Goals (issue 27): API RSS after reports ≤ 150 MB; p99 during ≤ 1.5× idle p99.
"""

from __future__ import annotations

import asyncio
import os
import threading
import time
from pathlib import Path

import httpx
from opspact.cli.stack import repo_root
from opspact.demo.loader import load, publish_reports

from bench.common import internal_token, percentile, running_stack

TENANT = "zhuhai"
TENANTS = repo_root() / "deploy" / "tenants"


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        kids = (task / "children").read_text().split()
        found += [int(k) for k in kids]
    return found


def reads(url: str, token: str, stop: threading.Event, out: list[float]) -> None:
    with httpx.Client(base_url=url, timeout=30, headers={"Authorization": f"Bearer {token}"}) as client:
        while not stop.is_set():
            started = time.perf_counter()
            client.get("/tickets", params={"limit": 50})
            out.append((time.perf_counter() - started) * 1000)
            stop.wait(0.05)


def sample(url: str, token: str, seconds: float) -> list[float]:
    out: list[float] = []
    stop = threading.Event()
    thread = threading.Thread(target=reads, args=(url, token, stop, out))
    thread.start()
    time.sleep(seconds)
    stop.set()
    thread.join()
    return out


def one(processes: int) -> dict:
    os.environ["OPSPACT_REPORT_PROCESSES"] = str(processes)
    with running_stack() as (stack, _):
        gateway = stack.url("gateway")
        asyncio.run(load(TENANT, base_url=gateway, tenants_dir=TENANTS, reports=False))
        token = internal_token(stack, "ticketing", TENANT, ["vendor_manager"])
        pid = stack.procs["ticketing"].pid
        idle = rss_mb(pid)
        before = sample(stack.url("ticketing"), token, 5)
        during: list[float] = []
        stop = threading.Event()
        reader = threading.Thread(target=reads, args=(stack.url("ticketing"), token, stop, during))
        reader.start()
        started = time.perf_counter()
        try:
            summary = asyncio.run(publish_reports(TENANT, base_url=gateway))
        finally:
            took = time.perf_counter() - started
            stop.set()
            reader.join()
        workers = [rss_mb(c) for c in children(pid)]
        return {"idle": idle, "after": rss_mb(pid), "workers": sum(workers), "took": took,
                "reports": summary.counts.get("reports", 0),
                "p50": (percentile(before, 50), percentile(during, 50)),
                "p99": (percentile(before, 99), percentile(during, 99))}


def main() -> None:
    results = {mode: one(n) for mode, n in (("in the API process", 0), ("in the report process", 1))}
    print("report-process: zhuhai's year of reports (monthly and longer, DOCX + PDF)")
    for mode, r in results.items():
        print(f"  {mode:<22} API RSS idle {r['idle']:6.0f} MB → after {r['after']:6.0f} MB"
              f" (worker {r['workers']:4.0f} MB); {r['reports']} reports in {r['took']:5.1f} s;"
              f" GET /tickets p50 {r['p50'][0]:5.1f} → {r['p50'][1]:5.1f} ms,"
              f" p99 {r['p99'][0]:5.1f} → {r['p99'][1]:5.1f} ms ({r['p99'][1] / r['p99'][0]:.2f}× idle)")
