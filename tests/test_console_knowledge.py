"""知识库与应急预案 in a real Chromium: zhuhai's engineer writes an article, finds it by
Chinese words, edits it into a second version, and is told — not overwritten — when a
colleague saved meanwhile; the manager writes an emergency plan and records its drill; the
client's viewer reads on a phone without the editing forms."""

from __future__ import annotations

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
from opspact.testing.plugin import auth

pytestmark = pytest.mark.timeout(300)


async def test_write_find_edit_and_drill(browser, stack, gateway):  # noqa: F811
    base = stack.url("gateway")
    title = f"卡口过车数据接口中断的处置（{uuid.uuid4().hex[:4]}）"
    desk = await new_context(browser)
    try:
        page = await desk.new_page()
        errors = await watch_errors(page, origin=base)
        await sign_in(page, base, ["zhuhai"], "vendor_engineer", "zh-engineer")
        await page.click("header >> text=知识库")
        await page.get_by_role("link", name="新建知识条目").click()
        await page.fill("#a-title", title)
        await page.fill("#a-background", "视频云平台卡口过车数据接口每日凌晨偶发中断，大数据平台缺数。")
        await page.fill("#a-applies", "视频云平台卡口过车接口、接口调用服务器")
        await page.fill("#a-summary", "检查接口服务进程与证书有效期；重启接口服务后补拉中断时段数据。")
        await page.fill("#a-tags", "接口，卡口")
        await page.get_by_role("button", name="创建").click()
        await page.get_by_text("已创建。").wait_for()
        article_url = page.url.split("?")[0]

        await page.goto(f"{base}/console/knowledge?q=卡口接口中断")
        await page.get_by_role("link", name=title).wait_for()
        assert "按词查找" in await page.locator("main").inner_text()

        await page.goto(article_url)
        await page.click("details.edit summary")
        await page.fill("#a-summary", "检查接口服务进程与证书有效期；重启接口服务后补拉中断时段数据；"
                                      "连续两日中断时报告视频云平台厂家。")
        await page.fill("#a-note", "补充升级路径")
        await page.get_by_role("button", name="保存为新版本").click()
        await page.get_by_text("已保存为新版本。").wait_for()
        assert "补充升级路径" in await page.locator("#h-kversions + ol").inner_text()

        # a colleague saves meanwhile: this page's edit starts from the version before
        article_id = article_url.rsplit("/", 1)[1]
        path = f"/api/ticketing/knowledge/{article_id}"
        mine = gateway.get(path, headers=auth("zhuhai", "vendor_engineer")).json()
        body = {k: mine[k] for k in ("title", "background", "applies_to", "summary", "systems", "tags")}
        r = gateway.put(path, headers=auth("zhuhai", "vendor_manager"),
                        json={**body, "version": mine["version"], "note": "同事修改"})
        assert r.status_code == 200, r.text
        await page.click("details.edit summary")
        await page.fill("#a-note", "我的修改")
        await page.get_by_role("button", name="保存为新版本").click()
        await page.get_by_text("他人已在您打开后保存了新版本").wait_for()
        assert [e for e in errors if "409" not in e] == []  # the refusal asked for, logged
        errors.clear()
        assert await accessibility_problems(page) == []
        await screenshot(page, "knowledge-desktop")
    finally:
        await desk.close()

    manager = await new_context(browser)
    try:
        page = await manager.new_page()
        errors = await watch_errors(page, origin=base)
        await sign_in(page, base, ["zhuhai"], "vendor_manager", "zh-manager")
        await page.goto(f"{base}/console/plans")
        await page.get_by_role("link", name="新建预案").click()
        code = f"kakou-{uuid.uuid4().hex[:6]}"
        await page.fill("#p-code", code)
        await page.select_option("#p-category", "interface")
        await page.fill("#p-title", "卡口接口中断应急预案")
        await page.fill("#p-scenario", "卡口过车数据接口中断超过 30 分钟")
        await page.fill("#p-steps", "1. 值班工程师确认中断范围；2. 重启接口服务；3. 补拉数据；4. 报告甲方。")
        await page.fill("#p-roles", "值班工程师：处置；项目经理：报告甲方")
        await page.fill("#p-every", "90")
        await page.get_by_role("button", name="创建").click()
        await page.get_by_text("预案已创建。").wait_for()
        await page.fill("#d-who", "值班工程师，项目经理")
        await page.fill("#d-scenario", "模拟接口服务宕机")
        await page.select_option("#d-outcome", "partly")
        await page.fill("#d-findings", "补拉脚本需参数化")
        await page.fill("#d-minutes", "45")
        await page.get_by_role("button", name="记录演练").click()
        await page.get_by_text("演练已记录。").wait_for()
        drills = await page.locator("#h-drills + ul").inner_text()
        assert "部分达到" in drills and "值班工程师、项目经理" in drills
        assert await accessibility_problems(page) == []
        await screenshot(page, "plan-desktop")
        assert errors == []
    finally:
        await manager.close()

    phone = await new_context(browser, phone=True)
    try:
        page = await phone.new_page()
        errors = await watch_errors(page, origin=base)
        await sign_in(page, base, ["zhuhai"], "client_viewer", "zh-viewer")
        await page.goto(article_url)
        await page.get_by_role("heading", name=title).wait_for()
        assert await page.locator("details.edit").count() == 0
        await page.goto(f"{base}/console/knowledge")
        assert await page.get_by_role("link", name="新建知识条目").count() == 0
        assert await accessibility_problems(page) == []
        await screenshot(page, "knowledge-phone")
        assert errors == []
    finally:
        await phone.close()
