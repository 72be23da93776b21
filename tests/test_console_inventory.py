"""资产与人员 in a real Chromium: xinxiang's project manager finds a server past its end of
life, sees what its failure takes down drawn as a graph and links one more application to
it; records a credential's rotation (never a secret); adds a shift to next week's roster
grid and removes it; the client's viewer reads the roster on a phone."""

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
from opspact.testing.plugin import auth

pytestmark = pytest.mark.timeout(300)
ASSETS = "/api/inventory/assets"


def seed(gateway, run: str) -> dict[str, str]:
    """A CentOS 7.5 server, two applications on it, one more application to link by hand,
    a root account on the server, and a staff member for the roster."""
    manager = auth("xinxiang", "vendor_manager")
    codes = {k: f"{k}-{run}" for k in ("srv", "seal", "stats", "archive")}
    made = [("server", codes["srv"], "印章业务服务器", {"os": "CentOS 7.5", "form": "vm"}),
            ("application", codes["seal"], "印章治安管理信息系统", {"core": True}),
            ("application", codes["stats"], "印章统计分析", {}),
            ("application", codes["archive"], "印章档案管理", {})]
    for kind, code, name, attributes in made:
        r = gateway.post(ASSETS, headers=manager, json={"kind": kind, "code": code, "name": name,
                                                        "attributes": attributes})
        assert r.status_code == 201, r.text
    for source, target, kind in ((codes["seal"], codes["srv"], "runs_on"),
                                 (codes["stats"], codes["seal"], "depends_on")):
        r = gateway.post(f"{ASSETS}/{source}/relations", headers=manager, json={"type": kind, "to": target})
        assert r.status_code == 201, r.text
    r = gateway.post("/api/inventory/staff", headers=manager, json={
        "code": f"eng-{run}", "name": f"驻场工程师{run[:2]}", "role": "驻场工程师", "post": "onsite"})
    assert r.status_code == 201, r.text
    r = gateway.post("/api/inventory/credentials", headers=manager, json={
        "code": f"root-{run}", "asset": codes["srv"], "account": "root", "kind": "os", "privilege": "admin",
        "custodian": {"name": "系统专管员（占位）", "unit": "治安管理支队"}, "holders": [f"eng-{run}"],
        "rotation_interval_days": 90})
    assert r.status_code == 201, r.text
    return codes


async def test_assets_impact_credentials_and_the_roster_grid(browser, stack, gateway):  # noqa: F811
    base = stack.url("gateway")
    run = uuid.uuid4().hex[:6]
    codes = seed(gateway, run)
    desk = await new_context(browser)
    try:
        page = await desk.new_page()
        errors = await watch_errors(page, origin=base)
        await sign_in(page, base, ["xinxiang"], "vendor_manager", "xx-manager")
        await page.click("header >> text=资产与人员")
        await page.fill("input[name=q]", run)
        await page.get_by_role("button", name="查找").click()
        row = page.locator("tr", has_text=codes["srv"])
        assert "已停止支持" in await row.inner_text()  # CentOS 7 ended 2024-06-30
        await row.get_by_role("link", name=codes["srv"]).click()
        await page.get_by_role("heading", name="故障影响范围（2 项）").wait_for()
        assert await page.locator("svg.impact g.node").count() == 3
        assert await page.locator("svg.impact path.edge").count() == 2

        await page.select_option("#rel-type", "depends_on")
        await page.fill("#rel-to", codes["srv"])
        # the relation is the other asset's: open it and link it to the server
        await page.goto(f"{base}/console/assets/{codes['archive']}")
        await page.select_option("#rel-type", "runs_on")
        await page.fill("#rel-to", codes["srv"])
        await page.get_by_role("button", name="添加关系").click()
        await page.get_by_text("已添加关系。").wait_for()
        await page.goto(f"{base}/console/assets/{codes['srv']}")
        await page.get_by_role("heading", name="故障影响范围（3 项）").wait_for()
        assert await page.locator("svg.impact g.node").count() == 4
        assert await accessibility_problems(page) == []
        await screenshot(page, "asset-impact-desktop")

        await page.get_by_role("link", name="账号托管").click()
        card = page.locator("li.deliverable", has_text=codes["srv"])
        assert "改密逾期" in await card.inner_text()  # never rotated: due at once
        await card.locator("input[name=note]").fill("季度改密")
        await card.get_by_role("button", name="登记改密").click()
        await page.get_by_text("已登记改密。").wait_for()
        card = page.locator("li.deliverable", has_text=codes["srv"])
        assert "应于" in await card.inner_text() and "改密逾期" not in await card.inner_text()
        assert await accessibility_problems(page) == []

        await page.get_by_role("link", name="排班").click()
        await page.get_by_role("link", name="下一周").click()
        monday = datetime.now(SHANGHAI).date() + timedelta(days=7 - datetime.now(SHANGHAI).weekday())
        await page.select_option("select[name=staff]", f"eng-{run}")
        await page.fill("input[name=day]", monday.isoformat())
        await page.fill("input[name=starts]", "20:00")
        await page.fill("input[name=ends]", "08:00")  # a night: ends the next day
        await page.get_by_role("button", name="添加", exact=True).click()
        await page.get_by_text("已添加班次。").wait_for()
        monday_cell = page.locator("table.week tbody tr").first.locator("td").first
        assert f"驻场工程师{run[:2]}" in await monday_cell.inner_text()
        assert "20:00–08:00" in await monday_cell.inner_text()
        assert await page.locator("td.has-gap").count() > 0  # five 驻场工程师 required, far fewer rostered
        assert await accessibility_problems(page) == []
        await screenshot(page, "roster-desktop")
        await monday_cell.get_by_role("button", name=f"删除 驻场工程师{run[:2]} {monday} 的班次").click()
        await page.get_by_text("已删除班次。").wait_for()
        assert f"驻场工程师{run[:2]}" not in await page.locator("table.week").inner_text()

        await page.get_by_role("link", name="人员", exact=True).click()
        assert f"eng-{run}" in await page.locator("main").inner_text()
        assert await accessibility_problems(page) == []
        assert errors == []
    finally:
        await desk.close()

    phone = await new_context(browser, phone=True)
    try:
        page = await phone.new_page()
        errors = await watch_errors(page, origin=base)
        await sign_in(page, base, ["xinxiang"], "client_viewer", "xx-viewer")
        await page.goto(f"{base}/console/roster")
        await page.locator("table.week").wait_for()
        assert await page.locator("form[action='/console/roster/shifts']").count() == 0
        assert await page.get_by_role("link", name="账号托管").count() == 0  # a map for an attacker
        assert await accessibility_problems(page) == []
        await screenshot(page, "roster-phone")
        assert errors == []
    finally:
        await phone.close()
