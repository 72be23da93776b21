"""概览 in a real Chromium: beijing's project manager (holding zhuhai too) sees the day's
figures, each equal to what the API answers for the list it links to, and the service
year's charts drawn from exactly the numbers the annual report carries; on a phone, the
client's viewer sees the same SLA figures and no money."""

from __future__ import annotations

import json
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
TICKETS = "/api/ticketing/tickets"
OPEN = ["new", "acknowledged", "dispatched", "on_site", "waiting_other_unit", "waiting_finance_dept",
        "waiting_client"]


def seed_beijing(gateway) -> None:
    """A few faults this month: two systems, an answered one (a response time to draw)."""
    engineer = auth("beijing", "vendor_engineer")
    made = []
    for system, priority, title in (("residence-permit", "p2", "居住证制证接口超时"),
                                    ("residence-permit", "p3", "统计报表导出慢"),
                                    ("sms-gateway", "p2", "办证短信发送失败")):
        r = gateway.post(TICKETS, headers=engineer, json={"system": system, "title": title,
                                                          "priority": priority})
        assert r.status_code == 201, r.text
        made.append(r.json()["id"])
    r = gateway.post(f"{TICKETS}/{made[0]}/transitions", headers=engineer, json={"to": "acknowledged"})
    assert r.status_code == 200, r.text


def api_figures(gateway, tenant: str) -> dict[str, int]:
    """What the dashboard should say, asked of the API the way a person would."""
    headers = auth(tenant, "vendor_manager")
    now = datetime.now(SHANGHAI)
    month = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)

    def total(**params) -> int:
        r = gateway.get(TICKETS, headers=headers, params={"limit": 1, **params})
        assert r.status_code == 200, r.text
        return r.json()["total"]

    gaps = gateway.get("/api/inventory/roster/gaps", headers=headers, params={
        "from": now.isoformat(), "to": (now + timedelta(days=7)).isoformat()}).json()
    return {"due_soon": total(due_within="2h"),
            "breached": total(breached="true", created_from=month.isoformat()),
            "open": total(status=OPEN), "gaps": len(gaps)}


async def tile_value(page, title: str) -> str:
    return (await page.locator("li.tile", has_text=title).locator(".tile-value").inner_text()).strip()


async def test_the_dashboard_says_what_the_api_says(browser, stack, gateway):  # noqa: F811
    base = stack.url("gateway")
    seed_beijing(gateway)
    desk = await new_context(browser)
    try:
        page = await desk.new_page()
        errors = await watch_errors(page, origin=base)
        await sign_in(page, base, ["beijing", "zhuhai"], "vendor_manager", "bj-manager")
        await page.click("header >> text=概览")
        await page.get_by_role("heading", name="运维概览 · beijing").wait_for()
        expected = api_figures(gateway, "beijing")
        assert int(await tile_value(page, "即将超时")) == expected["due_soon"]
        assert int(await tile_value(page, "本月超时工单")) == expected["breached"]
        assert int(await tile_value(page, "未结工单")) == expected["open"] >= 3
        assert int(await tile_value(page, "未来 7 天排班缺口")) == expected["gaps"]

        # the charts: the annual report's own numbers, drawn
        kind = await page.locator("#dash-kind").input_value()
        period = await page.locator("#dash-period").input_value()
        assert kind == "annual"
        report = gateway.get(f"/api/ticketing/reports/{kind}", headers=auth("beijing", "vendor_manager"),
                             params={"period": period}).json()
        expected_charts = [c for s in report["sections"] for c in s["charts"]]
        shown = [json.loads(await el.get_attribute("data-chart"))
                 for el in await page.locator("[data-chart]").all()]
        assert shown == expected_charts and len(shown) == 3
        systems = next(c for c in shown if c["kind"] == "bars")
        per_system = dict(zip(systems["labels"], systems["series"]["工单数"], strict=True))
        assert per_system["居住证办理短信服务"] >= 1
        for el in await page.locator("[data-chart]").all():
            assert await el.get_attribute("data-drawn") == "true"
            assert await el.locator("canvas").count() == 1

        across = page.locator("table.across")
        assert "zhuhai" in await across.inner_text() and "beijing" in await across.inner_text()
        assert await accessibility_problems(page) == []
        await screenshot(page, "dashboard-desktop")

        # a figure leads to the list behind it, which counts the same
        await page.locator("li.tile", has_text="未结工单").locator("a").click()
        await page.wait_for_url("**/console/queue?**")
        assert f"共 {expected['open']} " in await page.locator("main").inner_text()
        assert errors == []
    finally:
        await desk.close()


async def test_the_client_viewer_sees_sla_and_no_money_on_a_phone(browser, stack):  # noqa: F811
    base = stack.url("gateway")
    phone = await new_context(browser, phone=True)
    try:
        page = await phone.new_page()
        errors = await watch_errors(page, origin=base)
        await sign_in(page, base, ["beijing"], "client_viewer", "bj-viewer")
        await page.goto(f"{base}/console/dashboard")
        await page.locator("[data-chart][data-drawn=true]").first.wait_for()
        text = await page.locator("main").inner_text()
        assert "SLA达成率趋势" in text and "未结工单" in text
        assert "付款节点" not in text and "违约金" not in text and "¥" not in text
        assert await accessibility_problems(page) == []
        await screenshot(page, "dashboard-phone")
        assert errors == []
    finally:
        await phone.close()
