"""变更审批 in a real Chromium: xinjiang's change approved in two steps by the two client
officers its tenant file names — each sees the decision offered only at their own step — and
another sent back with the reason, on a phone."""

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
ENGINEER = api_person("xinjiang", "xj-engineer", "vendor_engineer")


def submitted(gateway, title: str) -> dict:
    now = datetime.now(SHANGHAI)
    r = gateway.post("/api/ticketing/changes", headers=ENGINEER, json={
        "kind": "data_modification", "risk": "high", "system": "12123-fees", "title": title,
        "plan": "按财政厅通知批量更正2025年3月的缴费对账状态", "rollback_plan": "按变更前导出的数据恢复",
        "window_start": (now + timedelta(days=1)).isoformat(),
        "window_end": (now + timedelta(days=1, hours=2)).isoformat()})
    assert r.status_code == 201, r.text
    return r.json()


async def approve(context, base: str, subject: str, change: dict) -> None:
    page = await context.new_page()
    errors = await watch_errors(page, origin=base)
    await sign_in(page, base, ["xinjiang"], "client_admin", subject)
    await page.goto(f"{base}/console/changes/{change['id']}")
    await page.get_by_role("button", name="批准").click()
    await page.get_by_text("已批准。").wait_for()
    assert errors == []
    await page.close()


async def test_two_officers_approve_in_turn(browser, stack, gateway):  # noqa: F811
    base = stack.url("gateway")
    change = submitted(gateway, f"更正缴费对账状态{uuid.uuid4().hex[:4]}")
    # the IT lead's step comes second: nothing is offered to them yet
    early = await new_context(browser)
    try:
        page = await early.new_page()
        await sign_in(page, base, ["xinjiang"], "client_admin", "xj-it-lead")
        await page.goto(f"{base}/console/changes/{change['id']}")
        assert await page.get_by_role("button", name="批准").count() == 0
        await page.goto(f"{base}/console/changes?status=submitted")
        assert await page.locator("li.deliverable", has_text=change["number"]).count() == 1
    finally:
        await early.close()
    desk = await new_context(browser)
    try:
        await approve(desk, base, "xj-sysadmin", change)
    finally:
        await desk.close()
    desk = await new_context(browser)
    try:
        page = await desk.new_page()
        errors = await watch_errors(page, origin=base)
        await sign_in(page, base, ["xinjiang"], "client_admin", "xj-it-lead")
        await page.click("text=变更审批")
        row = page.locator("li.deliverable", has_text=change["number"])
        assert "待您审批" in await row.inner_text()
        await row.get_by_role("link").click()
        assert await accessibility_problems(page) == []
        await screenshot(page, "change-desktop")
        await page.get_by_role("button", name="批准").click()
        await page.get_by_text("已批准。").wait_for()
        assert errors == []
    finally:
        await desk.close()
    done = gateway.get(f"/api/ticketing/changes/{change['id']}", headers=ENGINEER).json()
    assert done["status"] == "approved" and [s["by"] for s in done["steps"]] == ["xj-sysadmin", "xj-it-lead"]

    sent_back = submitted(gateway, f"批量删除历史退费记录{uuid.uuid4().hex[:4]}")
    phone = await new_context(browser, phone=True)
    try:
        page = await phone.new_page()
        await sign_in(page, base, ["xinjiang"], "client_admin", "xj-sysadmin")
        await page.goto(f"{base}/console/changes/{sent_back['id']}")
        assert await accessibility_problems(page) == []
        await screenshot(page, "change-phone")
        await page.fill("#reason", "删除历史退费记录须先经财政厅书面同意")
        await page.get_by_role("button", name="驳回").click()
        await page.get_by_text("已驳回，提交人将看到驳回原因。").wait_for()
    finally:
        await phone.close()
    refused = gateway.get(f"/api/ticketing/changes/{sent_back['id']}", headers=ENGINEER).json()
    assert (refused["status"], refused["steps"][0]["reason"]) == \
        ("rejected", "删除历史退费记录须先经财政厅书面同意")
