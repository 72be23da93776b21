"""验收材料 in a real Chromium: zhuhai's client officer signs off an archived month's report
on the register; the project manager builds the month's acceptance dossier, watches it
progress and downloads it — and its index shows the officer's sign-off."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from opspact.testing.browser import (  # noqa: F401
    accessibility_problems,
    browser,
    new_context,
    screenshot,
    sign_in,
    watch_errors,
)
from opspact.testing.plugin import auth

pytestmark = pytest.mark.timeout(400)
MONTH = "2024年8月月报"


async def test_a_signed_report_is_in_the_dossier_built_in_the_browser(browser, stack, gateway):  # noqa: F811
    base = stack.url("gateway")
    r = gateway.post("/api/ticketing/report-archive", headers=auth("zhuhai", "vendor_manager"),
                     json={"kind": "monthly", "period": "2024-08"})
    assert r.status_code in (200, 201), r.text
    officer = await new_context(browser, phone=True)
    try:
        page = await officer.new_page()
        errors = await watch_errors(page, origin=base)
        await sign_in(page, base, ["zhuhai"], "client_admin", "zh-officer")
        await page.goto(f"{base}/console/deliverables?state=submitted")
        await page.locator("li.deliverable", has_text=MONTH).get_by_role("button", name="签收").click()
        await page.get_by_text("已签收。").wait_for()
        assert errors == []
    finally:
        await officer.close()

    desk = await new_context(browser)
    try:
        page = await desk.new_page()
        errors = await watch_errors(page, origin=base)
        await sign_in(page, base, ["zhuhai"], "vendor_manager", "zh-manager")
        await page.click("header >> text=报告")
        await page.fill("#dossier-start", "2024-08-01")
        await page.fill("#dossier-end", "2024-08-31")
        await page.get_by_role("button", name="生成验收材料").click()
        await page.wait_for_url("**/console/reports/dossier/*")
        await page.locator("#dossier-progress").wait_for()
        await page.get_by_role("link", name="下载验收材料（ZIP）").wait_for(timeout=240_000)
        assert await accessibility_problems(page) == []
        await screenshot(page, "dossier-desktop")
        async with page.expect_download() as fetched:
            await page.get_by_role("link", name="下载验收材料（ZIP）").click()
        download = await fetched.value
        assert download.suggested_filename.startswith("验收材料-zhuhai-")
        content = Path(await download.path()).read_bytes()
        assert errors == []
    finally:
        await desk.close()

    archive = zipfile.ZipFile(io.BytesIO(content))
    manifest = json.loads(archive.read("manifest.json"))
    assert (manifest["from"], manifest["to"]) == ("2024-08-01", "2024-08-31")
    assert not [f for f in manifest["files"] if f["error"]]
    assert any(f["name"].endswith("月报-2024-08.docx") for f in manifest["files"])
    signed = next(s for s in manifest["signoffs"] if s["name"] == MONTH)
    assert (signed["state"], signed["signed_by"], signed["method"]) == ("已签收", "zh-officer", "账号登录")
    index = load_workbook(io.BytesIO(archive.read("00-目录.xlsx")))
    assert any(MONTH in [str(c) for c in row] for row in index["签收记录"].iter_rows(values_only=True))
