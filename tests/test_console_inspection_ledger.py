"""巡检台账 in a real Chromium: a week of xinjiang's rounds with the counts the API gives per
state, filtered to the missed ones, one opened, the week exported; on a phone too."""

from __future__ import annotations

import pytest
from opspact.testing.browser import (  # noqa: F401
    accessibility_problems,
    browser,
    new_context,
    screenshot,
    sign_in,
    watch_errors,
)
from opspact.testing.plugin import auth

pytestmark = pytest.mark.timeout(300)
WEEK = {"from": "2025-06-02T00:00:00+08:00", "to": "2025-06-09T00:00:00+08:00"}


async def test_a_weeks_ledger_filtered_opened_and_exported(browser, stack, gateway):  # noqa: F811
    base = stack.url("gateway")
    api = gateway.get("/api/ticketing/inspections/rounds", headers=auth("xinjiang", "vendor_manager"),
                      params={**WEEK, "limit": 500}).json()
    assert api["total"] > 0
    desk = await new_context(browser)
    try:
        page = await desk.new_page()
        errors = await watch_errors(page, origin=base)
        await sign_in(page, base, ["xinjiang"], "vendor_manager", "xj-manager")
        await page.click("header >> text=今日巡检")
        await page.get_by_role("link", name="巡检台账（按期间）").click()
        await page.fill("input[name=start]", "2025-06-02")
        await page.fill("input[name=end]", "2025-06-08")
        await page.get_by_role("button", name="查看").click()
        await page.wait_for_url("**start=2025-06-02**")
        views = await page.locator("nav.views").inner_text()
        assert f"全部（{api['total']}）" in views
        for state, name in (("recorded", "已完成"), ("missed", "漏检"), ("made_up", "已补检")):
            assert f"{name}（{api['counts'].get(state, 0)}）" in views, state
        await page.click("nav.views >> text=漏检")
        shown = await page.locator("li.round").count()
        assert shown == min(api["counts"]["missed"], 100)
        async with page.expect_download() as fetched:
            await page.get_by_role("link", name="导出 XLSX").click()
        download = await fetched.value
        assert download.suggested_filename == "inspections-xinjiang-20250602-20250608.xlsx"
        assert await accessibility_problems(page) == []
        await screenshot(page, "inspection-ledger-desktop")
        await page.locator("li.round a").first.click()
        await page.wait_for_url("**/console/inspections/*@*")
        assert "漏检" in await page.locator("main").inner_text()
        bad = await page.goto(f"{base}/console/inspections/ledger?start=2025-06-09&end=2025-06-01")
        assert bad.status == 422 and "期间无效" in await page.locator("main").inner_text()
        assert [e for e in errors if "status of 422" not in e] == []
    finally:
        await desk.close()
    phone = await new_context(browser, phone=True)
    try:
        page = await phone.new_page()
        errors = await watch_errors(page, origin=base)
        await sign_in(page, base, ["xinjiang"], "client_viewer", "xj-viewer")
        await page.goto(f"{base}/console/inspections/ledger?start=2025-06-02&end=2025-06-08&state=missed")
        assert await page.locator("li.round").count() > 0
        assert await accessibility_problems(page) == []
        await screenshot(page, "inspection-ledger-phone")
        assert errors == []
    finally:
        await phone.close()
