"""交付物与签收 in a real Chromium: the project manager uploads a month's training record on a
desk; the client's officer, on a phone, signs it off and sends an archived report back with
the reason — each decision on the SHA-256 of the file the page showed."""

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
PDF = "%PDF-1.4\n% 2025年6月信息保密安全培训签到表（测试）\n%%EOF\n".encode()
MONTH = "2025年6月信息保密安全培训情况"


async def test_upload_then_sign_off_in_the_browser(browser, stack, gateway):  # noqa: F811
    base = stack.url("gateway")
    archived = gateway.post("/api/ticketing/report-archive", headers=auth("xinjiang", "vendor_manager"),
                            json={"kind": "monthly", "period": "2025-02"})
    assert archived.status_code in (200, 201), archived.text
    desk = await new_context(browser)
    try:
        page = await desk.new_page()
        errors = await watch_errors(page, origin=base)
        await sign_in(page, base, ["xinjiang"], "vendor_manager", "xj-manager")
        await page.click("text=交付物与签收")
        row = page.locator("li.deliverable", has_text=MONTH)
        await row.locator("input[type=file]").set_input_files(
            {"name": "2025年6月培训签到表.pdf", "mimeType": "application/pdf", "buffer": PDF})
        await row.locator("input[name=note]").fill("含签到表与课件")
        await row.get_by_role("button", name="上传").click()
        await page.get_by_text("已上传新版本，已通知甲方签收。").wait_for()
        row = page.locator("li.deliverable", has_text=MONTH)
        assert await row.locator(".badge").first.inner_text() == "待签收"
        assert "2025年6月培训签到表.pdf" in await row.inner_text()
        assert await accessibility_problems(page) == []
        await screenshot(page, "deliverables-desktop")
        assert errors == []
    finally:
        await desk.close()

    phone = await new_context(browser, phone=True)
    try:
        page = await phone.new_page()
        errors = await watch_errors(page, origin=base)
        await sign_in(page, base, ["xinjiang"], "client_admin", "xj-sysadmin")
        await page.goto(f"{base}/console/deliverables?state=submitted")
        assert await page.locator("input[type=file]").count() == 0  # the client signs, never uploads
        row = page.locator("li.deliverable", has_text=MONTH)
        await row.get_by_role("button", name="签收").click()
        await page.get_by_text("已签收。").wait_for()
        report = page.locator("li.deliverable", has_text="2025年2月月报")
        await report.locator("input[name=comment]").fill("缺少二月份故障根因分析")
        await report.get_by_role("button", name="退回").click()
        await page.get_by_text("已退回，运维单位将收到退回原因。").wait_for()
        await page.goto(f"{base}/console/deliverables")
        assert await accessibility_problems(page) == []
        await screenshot(page, "deliverables-phone")
        assert errors == []
    finally:
        await phone.close()

    signed = gateway.get("/api/ticketing/deliverables/training-record/2025-06",
                         headers=auth("xinjiang", "auditor")).json()
    assert signed["state"] == "accepted" and signed["accepted"]["signoff"]["signed_by"] == "xj-sysadmin"
    back = gateway.get(f"/api/ticketing/report-archive/{archived.json()['id']}",
                       headers=auth("xinjiang", "vendor_manager")).json()
    assert (back["signoff"]["decision"], back["signoff"]["comment"]) == ("rejected", "缺少二月份故障根因分析")
