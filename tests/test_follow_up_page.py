"""The follow-up page in a real Chromium: the reporter opens the SMS link on a phone, picks
a score, writes a word and sends it — no login, no script, nothing refused by the page's
CSP — and sees the thanks; the same link on a desk shows the answer kept. Screenshots land
in test-output/screenshots."""

from __future__ import annotations

import asyncio
import re

import pytest
from opspact.testing.browser import (  # noqa: F401
    accessibility_problems,
    browser,
    new_context,
    screenshot,
    watch_errors,
)
from opspact.testing.plugin import auth
from opspact.testing.probes import aquery

pytestmark = pytest.mark.timeout(300)
ENGINEER = auth("beijing", "vendor_engineer")


async def sms_link(stack, gateway, title: str, mobile: str) -> str:
    systems = gateway.get("/api/ticketing/contract-terms", headers=ENGINEER).json()["systems"]
    r = gateway.post("/api/ticketing/tickets", headers=ENGINEER, json={
        "system": systems[0]["code"], "title": title, "reporter": "刘警官", "reporter_mobile": mobile})
    assert r.status_code == 201, r.text
    ticket = r.json()
    r = gateway.post(f"/api/ticketing/tickets/{ticket['id']}/transitions", headers=ENGINEER,
                     json={"to": "resolved", "note": "更换硒鼓后恢复"})
    assert r.status_code == 200, r.text
    for _ in range(300):
        rows = await aquery(stack, "SELECT body FROM notify.notifications WHERE source_event_type = "
                                   "'ticketing.follow_up.requested.v1' AND subject = $1", ticket["id"])
        if rows:
            found = re.search(r"/f/beijing/[A-Za-z0-9_-]+", rows[0]["body"]).group(0)
            return stack.url("gateway") + found
        await asyncio.sleep(0.2)
    raise AssertionError("no follow-up SMS was composed")


async def test_the_reporter_answers_on_a_phone(browser, stack, gateway):  # noqa: F811
    link = await sms_link(stack, gateway, "受理窗口打印机无法打印", "13800000095")
    context = await new_context(browser, phone=True)
    try:
        page = await context.new_page()
        errors = await watch_errors(page)
        await page.goto(link)
        await page.get_by_role("heading", name="服务回访").wait_for()
        assert await accessibility_problems(page) == []
        await screenshot(page, "follow-up-phone")
        await page.get_by_text("4 分 · 满意").click()
        await page.fill("#comment", "工程师到得很快")
        await page.get_by_role("button", name="提交评价").click()
        await page.get_by_role("heading", name="感谢您的评价，我们已收到。").wait_for()
        assert "评分：4 分 · 满意" in await page.content() and "工程师到得很快" in await page.content()
        await screenshot(page, "follow-up-thanks-phone")
        assert errors == []
    finally:
        await context.close()
    rows = await aquery(stack, "SELECT score, comment, answered_via FROM ticketing.follow_ups WHERE "
                               "comment = '工程师到得很快'")
    assert [(r["score"], r["answered_via"]) for r in rows] == [(4, "link")]

    desk = await new_context(browser)
    try:
        page = await desk.new_page()
        errors = await watch_errors(page)
        await page.goto(link)
        await page.get_by_role("heading", name="您已提交过评价，以首次提交为准。").wait_for()
        await screenshot(page, "follow-up-answered-desktop")
        fresh = await sms_link(stack, gateway, "居住证制证机报错", "13800000096")
        await page.goto(fresh)
        await page.get_by_role("button", name="提交评价").click()  # no score chosen: the browser asks
        assert await page.locator("input[name=score]:invalid").count() == 5
        await screenshot(page, "follow-up-form-desktop")
        assert errors == []
    finally:
        await desk.close()
