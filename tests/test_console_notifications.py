"""通知 in a real Chromium: wuqia's project manager finds the SMS a provider refused, sends it
again once the tenant file is right, rewords a template with the preview following the
typing (segments, Alibaba's and Tencent's forms) and saves it as a new version; the dead
letters of every service are listed; on a phone, the history reads as a list."""

from __future__ import annotations

import asyncio
import time
import uuid

import pytest
from opspact.testing.browser import (  # noqa: F401
    accessibility_problems,
    browser,
    new_context,
    screenshot,
    sign_in,
    watch_errors,
)
from opspact.testing.notify_slices import notify_slice, use_providers
from opspact.testing.plugin import auth
from opspact.testing.probes import aquery

pytestmark = pytest.mark.timeout(300)


async def notification_of(stack, subject: str, *statuses: str, timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        rows = await aquery(stack, "SELECT * FROM notify.notifications WHERE subject = $1 AND "
                                   "status = ANY($2::text[]) ORDER BY created_at", subject, list(statuses))
        if rows:
            return rows[0]
        await asyncio.sleep(0.5)
    raise AssertionError(f"no {statuses} notification about {subject}")


async def a_refused_sms(stack, gateway) -> dict:
    """A fault in wuqia while its SMS template codes are wrong: the provider refuses it."""
    def wrong_code(settings):
        use_providers(settings, {"alibaba": "SMS_1", "tencent": "1"})
    with notify_slice(gateway, "wuqia", wrong_code):
        r = gateway.post("/api/ticketing/tickets", headers=auth("wuqia", "vendor_engineer"), json={
            "system": "data-pool", "title": f"数据池同步中断{uuid.uuid4().hex[:4]}", "kind": "incident",
            "channel": "hotline", "priority": "p1"})
        assert r.status_code == 201, r.text
        return await notification_of(stack, r.json()["id"], "failed")


async def test_resend_a_refused_sms_and_reword_a_template(browser, stack, gateway):  # noqa: F811
    base = stack.url("gateway")
    failed = await a_refused_sms(stack, gateway)
    desk = await new_context(browser)
    try:
        page = await desk.new_page()
        errors = await watch_errors(page, origin=base)
        await sign_in(page, base, ["wuqia"], "vendor_manager", "wq-manager")
        await page.click("header >> text=通知")
        await page.select_option("select[name=status]", "failed")
        await page.get_by_role("button", name="筛选").click()
        row = page.locator("tr", has=page.locator(f"input[value='{failed['id']}']"))
        assert "template_not_approved" in await row.inner_text()
        await row.locator("input[type=checkbox]").check()
        await page.get_by_role("button", name="重新发送所选").click()
        await page.get_by_text("已重新排队 1 条。").wait_for()
        sent = await notification_of(stack, failed["subject"], "sent", "delivered")
        assert sent["id"] == failed["id"] and sent["reason"].startswith("replayed by")
        assert await accessibility_problems(page) == []
        await screenshot(page, "notifications-desktop")

        await page.get_by_role("link", name="通知模板").click()
        await page.select_option("#tpl-name", "follow_up_answered")
        await page.wait_for_url("**name=follow_up_answered")
        before = await page.locator("#preview .sms").inner_text()
        text = page.locator("#tpl-text")
        await text.fill(await text.input_value() + "（请回电）")
        await page.locator("#preview .sms", has_text="（请回电）").wait_for()
        preview = await page.locator("#preview").inner_text()
        assert "（请回电）" not in before and "阿里云短信模板" in preview and "腾讯云短信模板" in preview
        assert "${" in preview and "{1}" in preview and "计费长度" in preview
        await page.fill("#tpl-note", "客户要求回访结果附回电提示")
        await page.get_by_role("button", name="保存为新版本").click()
        await page.get_by_text("已保存为第 1 版。").wait_for()
        assert "客户要求回访结果附回电提示" in await page.locator("#h-versions + ol").inner_text()
        assert await accessibility_problems(page) == []
        await screenshot(page, "templates-desktop")

        await page.get_by_role("link", name="死信").click()
        for service in ("工单服务", "计费服务", "通知服务"):
            await page.get_by_role("heading", name=service, exact=False).wait_for()
        assert await accessibility_problems(page) == []
        assert errors == []
    finally:
        await desk.close()

    phone = await new_context(browser, phone=True)
    try:
        page = await phone.new_page()
        errors = await watch_errors(page, origin=base)
        await sign_in(page, base, ["wuqia"], "vendor_engineer", "wq-engineer")
        await page.goto(f"{base}/console/notifications")
        assert await page.locator("input[name=ids]").count() == 0  # re-sending is the manager's
        assert await page.get_by_role("link", name="死信").count() == 0
        assert await accessibility_problems(page) == []
        await screenshot(page, "notifications-phone")
        assert errors == []
    finally:
        await phone.close()
