"""Demo load: one tenant's year through the APIs (`opspact demo load`), part by part.

Starts its own stack, loads zhuhai's year (BENCH_DEMO_TENANT) without and then with its
reports, and prints each part's seconds beside the goal — a tenant's year in at most 60 s —
as a ratio, plus the ticket import's rate. Set BENCH_DEMO_SCALE (e.g. 100) to load a
bench-sized year (tens of thousands of tickets) through the same path.
"""

from __future__ import annotations

import asyncio
import os
import time

from opspact.cli.stack import repo_root
from opspact.demo.loader import load, publish_reports

from bench.common import running_stack

GOAL_SECONDS = 60.0


def main() -> None:
    tenant = os.environ.get("BENCH_DEMO_TENANT", "zhuhai")
    scale = float(os.environ.get("BENCH_DEMO_SCALE", "1"))
    with running_stack() as (stack, _):
        url = stack.url("gateway")
        started = time.perf_counter()
        summary = asyncio.run(load(tenant, base_url=url, tenants_dir=repo_root() / "deploy" / "tenants",
                                   reports=False, scale=scale))
        loaded = time.perf_counter() - started
        started = time.perf_counter()
        reports = asyncio.run(publish_reports(tenant, base_url=url))
        published = time.perf_counter() - started
    print(f"demo-load {tenant} {summary.first} – {summary.last} (scale {scale:g})")
    for part, count in summary.counts.items():
        print(f"  {part:<11} {count:>7}  {summary.seconds[part]:>7.2f} s")
    tickets = summary.counts.get("tickets", 0)
    print(f"  tickets imported at {tickets / max(summary.seconds.get('tickets', 0), 1e-9):.0f}/s")
    print(f"  year loaded      {loaded:7.1f} s  = {loaded / GOAL_SECONDS:.2f}× the {GOAL_SECONDS:.0f} s goal")
    print(f"  reports archived {published:7.1f} s  ({reports.counts.get('reports', 0)} monthly and longer)")
    both = loaded + published
    print(f"  both             {both:7.1f} s  = {both / GOAL_SECONDS:.2f}× the goal")
