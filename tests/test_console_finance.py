"""财务 in a real Chromium: zhuhai's project manager confirms a damages entry; finance keeps it
back from the final payment, invoices the rest and records it received in two payments (an
amount over what is owed refused in Chinese on the way), and the statement shows the
deduction — its figures the API's; the client's viewer, on a phone, sees no money."""

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
from opspact.testing.probes import aquery

pytestmark = pytest.mark.timeout(300)
API = "/api/billing"


def record_quality_breach(gateway) -> dict:
    """zhuhai 违约 "拒不整改": 20 % of the contract (708,000), a fixed amount."""
    r = gateway.post(f"{API}/violations", headers=auth("zhuhai", "vendor_manager"), json={
        "rule": "quality", "occurred_at": "2026-11-20T02:00:00Z", "note": "整改通知后仍未整改（测试）"})
    assert r.status_code == 201, r.text
    [entry] = [e for e in r.json()["ledger"] if e["rule"] == "quality"]
    return entry


def forget_refusal(errors: list[str]) -> None:
    """A refusal the test asked for is logged by the browser (the 422) and by htmx: expected."""
    expected = [e for e in errors if "422" in e]
    assert expected, errors
    errors[:] = [e for e in errors if e not in expected]


async def test_a_milestone_paid_in_two_payments_after_a_deduction(browser, stack, gateway):  # noqa: F811
    base = stack.url("gateway")
    entry = record_quality_breach(gateway)
    assert entry["counted_amount"]["value"] == "141600.00"
    tag = uuid.uuid4().hex[:8].upper()

    manager = await new_context(browser)
    try:
        page = await manager.new_page()
        errors = await watch_errors(page, origin=base)
        await sign_in(page, base, ["zhuhai"], "vendor_manager", "zh-manager")
        await page.click("header >> text=财务")
        await page.get_by_role("link", name="违约金台账").click()
        await page.click("nav.views >> text=待确认")
        card = page.locator("li.damage", has_text="quality")
        assert "141,600.00" in await card.inner_text() and "壹拾肆万壹仟陆佰元整" in await card.inner_text()
        await card.get_by_role("button", name="确认").click()
        await page.get_by_text("已确认。").wait_for()
        assert await page.get_by_role("button", name="扣减").count() == 0  # finance's move, not the manager's
        assert errors == []
    finally:
        await manager.close()

    desk = await new_context(browser)
    try:
        await settle_in_the_browser(desk, base, gateway, tag)
    finally:
        await desk.close()
        # the other tests know zhuhai's final payment uninvoiced and unpaid: the books put back
        # (the deduction stays, which none of them reads)
        await aquery(stack, "DELETE FROM billing.payments WHERE tenant_id = 'zhuhai' AND reference LIKE $1",
                     f"BANK-ZH-{tag}-%")
        await aquery(stack, "DELETE FROM billing.invoices WHERE tenant_id = 'zhuhai' AND number = $1",
                     f"ZH{tag}")


async def settle_in_the_browser(desk, base: str, gateway, tag: str) -> None:
    """Finance's part: the deduction, the invoice, two payments, the contract and the statement."""
    page = await desk.new_page()
    errors = await watch_errors(page, origin=base)
    await sign_in(page, base, ["zhuhai"], "finance", "zh-finance")
    await page.goto(f"{base}/console/finance/damages?state=confirmed")
    card = page.locator("li.damage", has_text="quality")
    assert await card.get_by_role("button", name="确认").count() == 0  # finance does not decide
    await card.locator("select[name=milestone]").select_option("final")
    await card.locator("input[name=reason]").fill(f"付款通知书 FK-{tag}")
    await card.get_by_role("button", name="扣减").click()
    await page.get_by_text("已扣减，付款节点应收相应减少。").wait_for()
    await page.click("nav.views >> text=已扣减")
    assert "已从“尾款”扣减" in await page.locator("li.damage", has_text="quality").first.inner_text()
    await screenshot(page, "finance-damages-desktop")
    assert await accessibility_problems(page) == []

    await page.get_by_role("link", name="发票与收款").click()
    await page.select_option("#inv-milestone", "final")
    await page.fill("#inv-number", f"ZH{tag}")
    await page.select_option("#inv-kind", "vat_normal")
    await page.fill("#inv-amount", "636,000.01")
    await page.get_by_role("button", name="登记发票").click()
    await page.get_by_text("本张发票超出 ¥0.01").wait_for()  # refused before the API, in Chinese
    forget_refusal(errors)
    await page.fill("#inv-amount", "494,400.00")
    await page.get_by_role("button", name="登记发票").click()
    await page.get_by_text("发票已登记。").wait_for()

    for amount, reference in (("300000", f"BANK-ZH-{tag}-1"), ("194400.01", f"BANK-ZH-{tag}-2"),
                              ("194400.00", f"BANK-ZH-{tag}-2")):
        await page.select_option("#pay-milestone", "final")
        await page.fill("#pay-amount", amount)
        await page.fill("#pay-ref", reference)
        await page.get_by_role("button", name="登记收款").click()
        if amount == "194400.01":
            await page.get_by_text("本笔超出 ¥0.01").wait_for()
            forget_refusal(errors)
        else:
            await page.get_by_text("收款已登记。").wait_for()
    payments = page.locator("#h-payments + .table-wrap")
    listed = await payments.inner_text()
    assert f"BANK-ZH-{tag}-1" in listed and f"BANK-ZH-{tag}-2" in listed
    await screenshot(page, "finance-receipts-desktop")
    assert await accessibility_problems(page) == []

    await page.get_by_role("link", name="合同与付款节点").click()
    final = page.locator("#m-final")
    assert "已付清" in await final.inner_text() and "零元整" in await final.inner_text()
    await screenshot(page, "finance-contract-desktop")
    assert await accessibility_problems(page) == []

    await page.get_by_role("link", name="对账单").click()
    api = gateway.get(f"{API}/statement", headers=auth("zhuhai", "finance")).json()
    totals = page.locator("dl.totals")
    await totals.wait_for()
    text = await totals.inner_text()
    for key in ("deducted_in_period", "received", "net_receivable"):
        assert api["totals"][key]["figures"] in text and api["totals"][key]["capitals"] in text, key
    assert "141,600.00" in api["totals"]["deducted_in_period"]["figures"]
    quality = page.locator("tr", has_text="quality")
    assert "已扣减" in await quality.inner_text() and "已从“尾款”扣减" in await quality.inner_text()
    async with page.expect_download() as fetched:
        await page.click("text=下载 XLSX")
    download = await fetched.value
    assert download.suggested_filename.startswith("statement-zhuhai-")
    await screenshot(page, "finance-statement-desktop")
    assert await accessibility_problems(page) == []
    assert errors == []


async def test_the_client_viewer_sees_no_money_and_finance_reads_on_a_phone(browser, stack):  # noqa: F811
    base = stack.url("gateway")
    phone = await new_context(browser, phone=True)
    try:
        page = await phone.new_page()
        errors = await watch_errors(page, origin=base)
        await sign_in(page, base, ["zhuhai"], "client_viewer", "zh-viewer")
        assert await page.locator("header nav >> text=财务").count() == 0
        for path in ("", "/receipts", "/damages", "/statement"):
            answer = await page.goto(f"{base}/console/finance{path}")
            assert answer.status == 403, path
            assert await page.get_by_text("您没有权限执行此操作。").count() == 1
            assert "¥" not in await page.locator("main").inner_text()
        assert errors and all("status of 403" in e for e in errors)  # the refusals asked for, nothing else
    finally:
        await phone.close()

    phone = await new_context(browser, phone=True)
    try:
        page = await phone.new_page()
        errors = await watch_errors(page, origin=base)
        await sign_in(page, base, ["xinxiang"], "finance", "xx-finance")
        await page.goto(f"{base}/console/finance/statement")
        await page.get_by_role("heading", name="逾期付款违约金（甲方）").wait_for()
        # xinxiang's single payment is long overdue: the interest, capped at 3 % of the value
        assert "已达上限" in await page.locator("#h-interest + p").locator("..").inner_text()
        assert await accessibility_problems(page) == []
        await screenshot(page, "finance-statement-phone")
        assert errors == []
    finally:
        await phone.close()
