"""A change's life in a real Chromium: xinjiang's engineer submits it by form, the two
officers the tenant file names approve it, the engineer starts it in its window and records
the result; another is cancelled with the reason before it starts."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import pytest
from opspact.calendar import SHANGHAI
from opspact.testing.browser import (  # noqa: F401
    accessibility_problems,
    browser,
    new_context,
    screenshot,
    sign_in,
    watch_errors,
)
from opspact.testing.console import api_person

pytestmark = pytest.mark.timeout(300)
OFFICERS = [api_person("xinjiang", subject, "client_admin") for subject in ("xj-sysadmin", "xj-it-lead")]


def local_minute(at: datetime) -> str:
    return at.astimezone(SHANGHAI).strftime("%Y-%m-%dT%H:%M")


async def submit_by_form(page, base: str, title: str) -> str:
    now = datetime.now(SHANGHAI)
    await page.goto(f"{base}/console/changes")
    await page.get_by_role("link", name="提交变更").click()
    await page.select_option("#c-kind", "business_config")
    await page.select_option("#c-risk", "low")
    await page.fill("#c-title", title)
    await page.fill("#c-plan", "在缴费平台后台调整对账任务的执行时间为每日 02:00")
    await page.fill("#c-rollback", "恢复原执行时间 01:00")
    await page.fill("#c-start", local_minute(now - timedelta(minutes=5)))
    await page.fill("#c-end", local_minute(now + timedelta(hours=2)))
    await page.get_by_role("button", name="提交审批").click()
    await page.get_by_text("已提交，等待审批。").wait_for()
    return page.url.split("?")[0].rsplit("/", 1)[1]


async def test_submit_start_and_finish_a_change(browser, stack, gateway):  # noqa: F811
    base = stack.url("gateway")
    title = f"调整对账任务执行时间{uuid.uuid4().hex[:4]}"
    desk = await new_context(browser)
    try:
        page = await desk.new_page()
        errors = await watch_errors(page, origin=base)
        await sign_in(page, base, ["xinjiang"], "vendor_engineer", "xj-engineer")
        change_id = await submit_by_form(page, base, title)
        listed = gateway.get("/api/ticketing/changes", headers=OFFICERS[0], params={"limit": 200}).json()
        assert [c["title"] for c in listed["items"]].count(title) == 1

        for officer in OFFICERS:
            r = gateway.post(f"/api/ticketing/changes/{change_id}/decisions", headers=officer,
                             json={"decision": "approve"})
            assert r.status_code == 200, r.text
        await page.goto(f"{base}/console/changes/{change_id}")
        await page.get_by_role("button", name="开始实施").click()
        await page.get_by_text("已开始实施。").wait_for()
        await page.select_option("#outcome", "implemented")
        await page.fill("#result-note", "已调整，次日 02:00 对账任务按时执行")
        await page.get_by_role("button", name="记录实施结果").click()
        await page.get_by_text("已记录实施结果。").wait_for()
        text = await page.locator("main").inner_text()
        assert "已实施" in text and "次日 02:00 对账任务按时执行" in text and "实施人 xj-engineer" in text
        assert await accessibility_problems(page) == []
        await screenshot(page, "change-implemented-desktop")

        other = await submit_by_form(page, base, f"临时关闭退费接口{uuid.uuid4().hex[:4]}")
        await page.click("details.cancel summary")
        await page.fill("#cancel-reason", "财政厅通知暂缓")
        await page.get_by_role("button", name="撤销变更").click()
        await page.get_by_text("已撤销。").wait_for()
        assert "已取消" in await page.locator("main").inner_text()
        assert other != change_id
        assert errors == []
    finally:
        await desk.close()
