"""报告 in a real Chromium: the project manager reads a month's report in the page, downloads
it and publishes it to the archive; the client's viewer reads it on a phone without the
money section and without the publish button."""

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

pytestmark = pytest.mark.timeout(300)


async def test_read_download_and_publish_a_month(browser, stack):  # noqa: F811
    base = stack.url("gateway")
    desk = await new_context(browser)
    try:
        page = await desk.new_page()
        errors = await watch_errors(page, origin=base)
        await sign_in(page, base, ["zhuhai"], "vendor_manager", "zh-manager")
        await page.click("text=报告")
        await page.click("nav.views >> text=月报")
        await page.select_option("#period", "2024-06")
        await page.get_by_role("button", name="查看").click()
        await page.get_by_role("heading", name="一、概况").wait_for()
        assert await page.get_by_role("heading", name="付款节点与违约金", exact=False).count() == 1
        async with page.expect_download() as fetched:
            await page.click("text=XLSX")
        download = await fetched.value
        assert download.suggested_filename == "monthly-zhuhai-2024-06.xlsx"
        await page.get_by_role("button", name="发布到归档").click()
        await page.get_by_text("已归档发布，已通知签收人。").wait_for()
        archive = page.locator("#h-archive + ul")
        assert "2024年6月月报" in await archive.inner_text() and "待签收" in await archive.inner_text()
        assert await accessibility_problems(page) == []
        await screenshot(page, "reports-desktop")
        assert errors == []
    finally:
        await desk.close()
    phone = await new_context(browser, phone=True)
    try:
        page = await phone.new_page()
        errors = await watch_errors(page, origin=base)
        await sign_in(page, base, ["zhuhai"], "client_viewer", "zh-viewer")
        await page.goto(f"{base}/console/reports?kind=monthly&period=2024-06")
        await page.get_by_role("heading", name="一、概况").wait_for()
        assert await page.get_by_role("button", name="发布到归档").count() == 0
        assert "无权查看" in await page.locator("article.report").inner_text()  # the money section withheld
        assert await accessibility_problems(page) == []
        await screenshot(page, "reports-phone")
        assert errors == []
    finally:
        await phone.close()
