"""运维服务售后记录单 in a real Chromium: xinxiang's officer opens this month's records from the
deliverables register on a phone, signs one task's record and sends another back with the
reason — each on the SHA-256 of the record shown."""

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
ENGINEER = auth("xinxiang", "vendor_engineer")


def resolved(gateway, title: str, note: str) -> dict:
    r = gateway.post("/api/ticketing/tickets", headers=ENGINEER, json={
        "system": "shop-terminals", "kind": "incident", "title": title, "description": "刻章店终端无法出章",
        "reporter": "刻章店店主", "priority": "p2"})
    assert r.status_code == 201, r.text
    ticket = r.json()
    for to, extra in (("acknowledged", {}), ("resolved", {"note": note})):
        r = gateway.post(f"/api/ticketing/tickets/{ticket['id']}/transitions", headers=ENGINEER,
                         json={"to": to, **extra})
        assert r.status_code == 200, r.text
    return ticket


async def test_the_officer_signs_one_record_and_sends_one_back(browser, stack, gateway):  # noqa: F811
    base = stack.url("gateway")
    mark = uuid.uuid4().hex[:6]
    good = resolved(gateway, f"打印机卡纸{mark}", f"清理进纸通道{mark}")
    bad = resolved(gateway, f"备案上传失败{mark}", f"重启终端{mark}")
    phone = await new_context(browser, phone=True)
    try:
        page = await phone.new_page()
        errors = await watch_errors(page, origin=base)
        await sign_in(page, base, ["xinxiang"], "client_admin", "xx-officer")
        await page.goto(f"{base}/console/deliverables")
        await page.get_by_role("link", name="运维服务售后记录单（逐单签收）").click()
        card = page.locator("li.deliverable", has_text=good["number"])
        assert f"清理进纸通道{mark}" in await card.inner_text()
        await card.get_by_role("button", name="签收").click()
        await page.get_by_text("已签收。").wait_for()
        card = page.locator("li.deliverable", has_text=bad["number"])
        await card.locator("input[name=comment]").fill("重启不能算处理完成，请查明原因")
        await card.get_by_role("button", name="退回").click()
        await page.get_by_text("已退回", exact=False).first.wait_for()
        signed = gateway.get(f"/api/ticketing/service-records/{good['number']}",
                             headers=auth("xinxiang", "vendor_manager")).json()
        assert (signed["signoff"]["decision"], signed["signoff"]["signed_by"]) == ("accepted", "xx-officer")
        back = gateway.get(f"/api/ticketing/service-records/{bad['number']}",
                           headers=auth("xinxiang", "vendor_manager")).json()
        assert back["signoff"]["comment"] == "重启不能算处理完成，请查明原因"
        card = page.locator("li.deliverable", has_text=good["number"])
        assert "xx-officer" in await card.inner_text() and await card.get_by_role("button").count() == 0
        assert await accessibility_problems(page) == []
        await screenshot(page, "service-records-phone")
        assert errors == []
    finally:
        await phone.close()
