"""A real browser for the console's tests: Debian's Chromium driven by Playwright's async
API (Playwright cannot download its own browser here), with the WenQuanYi font so Chinese
text renders in screenshots. Missing Chromium is installed with apt-get as root, else the
tests skip — except under CI=true, where they fail (opspact.testing.debian).

Use `browser` (session-scoped, on the session's event loop: pytest-playwright's sync
fixtures would leave a loop running under the suite's async tests) and `new_page`."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import pytest_asyncio

from opspact.cli.stack import repo_root
from opspact.testing import debian

# Without these Chromium keeps trying to reach Google's hosts, which this network refuses.
LAUNCH_ARGS = ["--disable-background-networking", "--disable-component-update", "--disable-sync",
               "--no-first-run", "--disable-quic", "--disable-gpu",
               "--disable-features=Translate,OptimizationHints,MediaRouter"]
DESKTOP = {"width": 1366, "height": 860}
PHONE = {"width": 390, "height": 844}
FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
SCREENSHOTS = Path(os.environ.get("OPSPACT_SCREENSHOTS", repo_root() / "test-output" / "screenshots"))


@pytest_asyncio.fixture(scope="session")
async def browser():
    executable = debian.program("chromium", "chromium")
    debian.data_file("fonts-wqy-microhei", FONT)
    try:
        from playwright.async_api import async_playwright
    except ImportError:  # a dev install without the test requirements
        pytest.skip("playwright is not installed: pip install -r requirements-dev.txt")
    args = LAUNCH_ARGS + (["--no-sandbox"] if os.geteuid() == 0 else [])
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=executable, args=args)
        try:
            yield launched
        finally:
            await launched.close()


async def new_context(browser, phone: bool = False):
    """A fresh browser profile (its own cookies), in zh-CN and Shanghai time."""
    viewport = PHONE if phone else DESKTOP
    return await browser.new_context(viewport=viewport, locale="zh-CN", timezone_id="Asia/Shanghai",
                                     is_mobile=phone, has_touch=phone)


async def watch_errors(page, origin: str | None = None) -> list[str]:
    """Collects the page's script errors and CSP refusals: a test asserts the list is empty.
    With `origin`, only what happens on pages of that origin (not an identity provider's)."""
    errors: list[str] = []

    def keep(text: str) -> None:
        if origin is None or page.url.startswith(origin):
            errors.append(f"{page.url}: {text}")

    page.on("pageerror", lambda exc: keep(f"pageerror: {exc}"))
    page.on("console", lambda msg: keep(f"console: {msg.text}") if msg.type == "error" else None)
    return errors


AXE = Path(__file__).parent / "vendor" / "axe-core-4.14.1.min.js"  # MPL-2.0, licence beside it


async def accessibility_problems(page, impacts: tuple[str, ...] = ("serious", "critical")) -> list[str]:
    """What axe-core (Deque's accessibility engine) finds on the page at these impacts, as
    "rule: target" lines. Injected through the debugging protocol, so the page's CSP stays on."""
    await page.evaluate(AXE.read_text())
    found = await page.evaluate("""async (impacts) => {
        const result = await axe.run(document, {resultTypes: ['violations']});
        return result.violations.filter((v) => impacts.includes(v.impact))
            .flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${n.target.join(' ')} — ${v.help}`));
    }""", list(impacts))
    return found


async def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    await page.screenshot(path=str(path), full_page=True)
    return path


async def sign_in(page, base_url: str, tenants: list[str], role: str, subject: str = "dev-user") -> None:
    """The dev sign-in form, filled as a person would."""
    await page.goto(f"{base_url}/console/signin")
    for box in await page.locator("input[name=tenant]").all():
        value = await box.get_attribute("value")
        if (value in tenants) != await box.is_checked():
            await box.click()
    await page.select_option("#role", role)
    await page.fill("#subject", subject)
    await page.click("form[action='/console/signin/dev'] button[type=submit]")
    await page.wait_for_url("**/console/queue")
