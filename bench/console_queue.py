"""The console's queue page: what the page costs beyond the API call it makes, and how soon
a browser paints it.

Whole stack (PostgreSQL, broker, services, gateway, console), one tenant with 60 tickets
so a page holds 50 rows, each with its SLA clocks.

    server   p50/p95 of GET /console/queue (the page, 50 rows) through the gateway, beside
             GET /api/ticketing/tickets?limit=50 (the list call the page makes), alternating
             in one run; the ratio is the page's own cost (goal ≤ 1.5×)
    paint    first contentful paint of the queue in Debian's Chromium (Playwright), median
             of BENCH_CONSOLE_PAINTS loads

BENCH_CONSOLE_ROUNDS (200), BENCH_CONSOLE_PAINTS (10).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import statistics
import time

import httpx
from opspact.cli.common import dev_token
from opspact.testing.console import signed_in

from bench.common import percentile, running_stack

TENANT = "zhuhai"
TICKETS = 60


def main() -> None:
    rounds = int(os.environ.get("BENCH_CONSOLE_ROUNDS", "200"))
    paints = int(os.environ.get("BENCH_CONSOLE_PAINTS", "10"))
    with running_stack() as (stack, _):
        api = {"Authorization": f"Bearer {dev_token([TENANT], ['vendor_engineer'], 'bench')}"}
        with httpx.Client(base_url=stack.url("gateway"), timeout=30) as client:
            for i in range(TICKETS):
                created = client.post("/api/ticketing/tickets", headers=api, json={
                    "system": "smart-station", "title": f"自助机故障 {i}", "priority": f"p{1 + i % 4}"})
                created.raise_for_status()
        with (signed_in(stack, [TENANT], "vendor_engineer", "bench") as (browser, _),
              httpx.Client(base_url=stack.url("gateway"), timeout=30, headers=api) as client):
            # the console itself, not through the gateway's forward: where the time goes
            direct = httpx.Client(base_url=stack.url("console"), cookies=browser.cookies, timeout=30)
            page_ms, api_ms, direct_ms = [], [], []
            for _ in range(10):  # warm every path
                browser.get("/console/queue")
                direct.get("/console/queue")
                client.get("/api/ticketing/tickets", params={"limit": 50})
            for _ in range(rounds):
                started = time.perf_counter()
                answer = browser.get("/console/queue")
                page_ms.append((time.perf_counter() - started) * 1000)
                assert answer.status_code == 200 and answer.text.count('class="row ') == 50
                started = time.perf_counter()
                client.get("/api/ticketing/tickets", params={"limit": 50}).raise_for_status()
                api_ms.append((time.perf_counter() - started) * 1000)
                started = time.perf_counter()
                direct.get("/console/queue").raise_for_status()
                direct_ms.append((time.perf_counter() - started) * 1000)
            direct.close()
        p50_page, p50_api = statistics.median(page_ms), statistics.median(api_ms)
        print(f"console-queue server: page p50 {p50_page:.1f} ms p95 {percentile(page_ms, 95):.1f} ms; "
              f"API list p50 {p50_api:.1f} ms p95 {percentile(api_ms, 95):.1f} ms; "
              f"ratio p50 {p50_page / p50_api:.2f}x (goal <= 1.5x), {rounds} rounds; the console "
              f"asked directly p50 {statistics.median(direct_ms):.1f} ms (the gateway's forward is the rest)")
        chromium = shutil.which("chromium")
        if chromium is None:
            print("console-queue paint: skipped (no chromium; apt-get install chromium)")
            return
        paint_ms = asyncio.run(first_paints(stack, chromium, paints))
        print(f"console-queue paint: first contentful paint median {statistics.median(paint_ms):.0f} ms, "
              f"max {max(paint_ms):.0f} ms over {paints} loads (50 rows, Chromium headless)")


async def first_paints(stack, chromium: str, loads: int) -> list[float]:
    from opspact.testing.browser import LAUNCH_ARGS, new_context, sign_in
    from playwright.async_api import async_playwright
    args = LAUNCH_ARGS + (["--no-sandbox"] if os.geteuid() == 0 else [])
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium, args=args)
        context = await new_context(browser)
        page = await context.new_page()
        await sign_in(page, stack.url("gateway"), [TENANT], "vendor_engineer", "bench")
        found = []
        for _ in range(loads):
            await page.goto(f"{stack.url('gateway')}/console/queue", wait_until="load")
            found.append(await page.evaluate(
                "new Promise((done) => new PerformanceObserver((list) => {"
                " const fcp = list.getEntries().find((e) => e.name === 'first-contentful-paint');"
                " if (fcp) done(fcp.startTime); }).observe({type: 'paint', buffered: true}))"))
        await browser.close()
    return found
