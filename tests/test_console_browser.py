"""The web console in a real Chromium, end to end on the real stack: what a duty engineer,
a manager and the client's officer do, on a desk and on a phone. Screenshots of the main
pages land in test-output/screenshots (opspact.testing.browser)."""

from __future__ import annotations

import base64
import os
import struct
import uuid
import zlib
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
from opspact.testing.oidc import identity_provider
from opspact.testing.plugin import wait_until
from opspact.testing.probes import aquery, fault

pytestmark = pytest.mark.timeout(300)
TICKETS = "/api/ticketing/tickets"
ZHUHAI_DESK = api_person("zhuhai", "zh-desk", "vendor_engineer")
# a 1×1 PNG: what a pasted screenshot is, as far as the upload path cares
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQ"
                       "AAAABJRU5ErkJggg==")


def camera_photo(side: int = 1200) -> bytes:
    """A PNG of noise, as large as a phone's photo (about 4 MB): it compresses to nothing."""
    rows = b"".join(b"\x00" + os.urandom(side * 3) for _ in range(side))
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 1))
            + chunk(b"IEND", b""))


def zhuhai_ticket(gateway, **fields) -> dict:
    created = gateway.post(TICKETS, headers=ZHUHAI_DESK,
                           json={"system": "smart-station", "title": "自助机故障", **fields})
    assert created.status_code == 201, created.text
    return created.json()


@pytest.fixture
async def desk(browser, stack):  # noqa: F811
    """A desktop browser profile and its error log (script errors, CSP refusals)."""
    context = await new_context(browser)
    page = await context.new_page()
    errors = await watch_errors(page)
    yield page, errors
    await context.close()


async def test_a_hook_ticket_appears_in_the_open_queue_without_a_reload(desk, stack, gateway):
    page, errors = desk
    await sign_in(page, stack.url("gateway"), ["xinjiang"], "vendor_engineer")
    await page.wait_for_selector("#live-state:text('实时更新已连接')")
    await page.evaluate("window.__sameDocument = true")  # gone if the page reloads
    reported = gateway.post("/hooks/xinjiang/12123", json=fault(f"F-{uuid.uuid4().hex[:8]}"))
    assert reported.status_code == 201, reported.text
    row = page.locator(f"#t-{reported.json()['id']}")
    await row.wait_for(timeout=20_000)
    assert reported.json()["number"] in await row.inner_text()
    assert await page.evaluate("window.__sameDocument") is True
    await screenshot(page, "queue-desktop")
    assert errors == []


async def test_a_7x24_countdown_turns_to_overdue_in_the_browser(desk, stack, gateway):
    page, errors = desk
    ticket = zhuhai_ticket(gateway, priority="p1", title=f"倒计时 {uuid.uuid4().hex[:6]}")
    clocks = [c for c in ticket["sla"] if c["state"] == "running" and c["schedule"] == "7x24"]
    assert clocks, ticket["sla"]
    await page.clock.install()  # the page's own time, moved forward below
    await sign_in(page, stack.url("gateway"), ["zhuhai"], "vendor_engineer")
    await page.goto(f"{stack.url('gateway')}/console/tickets/{ticket['id']}")
    clock = page.locator(".clocks.big .clock[data-schedule='7x24']").first
    assert "clock-overdue" not in (await clock.get_attribute("class"))
    seconds_left = max(c["remaining_seconds"] for c in clocks)
    await page.clock.fast_forward((seconds_left + 90) * 1000)
    await page.wait_for_function(
        "document.querySelector('.clocks.big .clock').classList.contains('clock-overdue')")
    assert "超时" in await clock.inner_text()
    assert errors == []


async def test_a_transition_and_a_conflicting_one(browser, stack, gateway):  # noqa: F811
    ticket = zhuhai_ticket(gateway, title=f"冲突 {uuid.uuid4().hex[:6]}")
    first, second = await new_context(browser), await new_context(browser)
    try:
        alice, bob = await first.new_page(), await second.new_page()
        for page, who in ((alice, "eng-alice"), (bob, "eng-bob")):
            await sign_in(page, stack.url("gateway"), ["zhuhai"], "vendor_engineer", who)
            await page.goto(f"{stack.url('gateway')}/console/tickets/{ticket['id']}")
        await alice.fill("#transition-note", "已电话联系派出所")
        await alice.click("button[data-to='acknowledged']")
        await alice.wait_for_selector("#ticket-status:text('已响应')")
        assert "已电话联系派出所" in await alice.inner_text(".timeline")
        await bob.click("button[data-to='dispatched']")  # bob still sees it as new
        notice = bob.locator(".flash-warning")
        await notice.wait_for()
        assert "已被他人更新" in await notice.inner_text() and "已响应" in await notice.inner_text()
        assert await bob.inner_text("#ticket-status") == "已响应"  # shown as it is now
        status = await aquery(stack, "SELECT status FROM ticketing.tickets WHERE id = $1",
                              uuid.UUID(ticket["id"]))
        assert status[0]["status"] == "acknowledged"
        await screenshot(alice, "ticket-desktop")
    finally:
        await first.close()
        await second.close()


async def test_a_comment_and_a_pasted_screenshot(desk, stack, gateway):
    page, errors = desk
    ticket = zhuhai_ticket(gateway, title=f"截图 {uuid.uuid4().hex[:6]}")
    await sign_in(page, stack.url("gateway"), ["zhuhai"], "vendor_engineer")
    await page.goto(f"{stack.url('gateway')}/console/tickets/{ticket['id']}")
    await page.fill("#comment-body", "现场检查打印模块，已更换色带")
    await page.click(".comment-form button[type=submit]")
    await page.wait_for_selector(".comment:has-text('已更换色带')")
    await page.evaluate("""(b64) => {
        const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
        const data = new DataTransfer();
        data.items.add(new File([bytes], "screenshot.png", {type: "image/png"}));
        const area = document.querySelector("#comment-body");
        area.dispatchEvent(new ClipboardEvent("paste",
                                              {clipboardData: data, bubbles: true, cancelable: true}));
    }""", base64.b64encode(PNG).decode())
    await page.wait_for_selector(".attachments a:text('screenshot.png')")
    stored = await aquery(stack, "SELECT filename, content_type FROM ticketing.ticket_attachments "
                                 "WHERE ticket_id = $1", uuid.UUID(ticket["id"]))
    assert [(r["filename"], r["content_type"]) for r in stored] == [("screenshot.png", "image/png")]
    assert errors == []


async def test_the_filter_form_narrows_the_queue_in_place(desk, stack, gateway):
    page, errors = desk
    marker = uuid.uuid4().hex[:8]
    urgent = zhuhai_ticket(gateway, title=f"筛选 {marker} 紧急", priority="p1")
    zhuhai_ticket(gateway, title=f"筛选 {marker} 普通", priority="p4")
    await sign_in(page, stack.url("gateway"), ["zhuhai"], "vendor_engineer")
    await page.evaluate("window.__sameDocument = true")
    await page.fill("input[name=q]", marker)
    await page.press("input[name=q]", "Enter")
    await page.wait_for_url(f"**q={marker}**")  # htmx pushes the address once it swapped
    assert await page.locator("#ticket-rows tr").count() == 2
    await page.select_option("#filters select[name=priority]", "p1")  # applies itself
    await page.wait_for_url("**priority=p1**")
    assert await page.locator("#ticket-rows tr").count() == 1
    assert await page.locator(f"#t-{urgent['id']}").count() == 1
    assert await page.evaluate("window.__sameDocument") is True
    assert errors == []


async def test_bulk_assign_keeps_the_rest_of_the_page(desk, stack, gateway):
    page, errors = desk
    marker = uuid.uuid4().hex[:8]
    made = [zhuhai_ticket(gateway, title=f"批量 {marker} {i}") for i in range(3)]
    await sign_in(page, stack.url("gateway"), ["zhuhai"], "vendor_manager")
    await page.goto(f"{stack.url('gateway')}/console/queue?q={marker}")
    for ticket in made[:2]:
        await page.check(f"#t-{ticket['id']} input[name=ids]")
    assert await page.inner_text("#selected-count") == "已选 2 条"
    await page.select_option("#bulk-form select[name=action]", "assign")
    await page.fill("#bulk-form input[name=assignee]", "eng-zhang")
    await page.click("#bulk-form button[type=submit]")
    await page.wait_for_selector("#flash:has-text('已处理 2 条')")
    for ticket in made[:2]:
        row = page.locator(f"#t-{ticket['id']}")
        await row.locator("td:text('eng-zhang')").wait_for()
        assert await row.locator("input[name=ids]").is_checked()  # the selection survives
    assert "eng-zhang" not in await page.inner_text(f"#t-{made[2]['id']}")
    assigned = await aquery(stack, "SELECT count(*) AS n FROM ticketing.tickets WHERE assignee = 'eng-zhang' "
                            "AND title LIKE $1", f"批量 {marker}%")
    assert assigned[0]["n"] == 2
    assert errors == []


async def test_a_client_viewer_sees_no_vendor_buttons(desk, stack, gateway):
    page, errors = desk
    ticket = zhuhai_ticket(gateway)
    await sign_in(page, stack.url("gateway"), ["zhuhai"], "client_viewer")
    assert await page.locator("#bulk-form, input[name=ids]").count() == 0
    await page.goto(f"{stack.url('gateway')}/console/tickets/{ticket['id']}")
    assert await page.locator("button[name=to], .comment-form, [data-dropzone]").count() == 0
    assert "只读视图" in await page.inner_text("#ticket-main")
    assert errors == []


async def test_tenant_switch_and_sign_out(desk, stack, gateway):
    page, errors = desk
    await sign_in(page, stack.url("gateway"), ["zhuhai", "xinjiang"], "vendor_manager")
    assert await page.input_value("#tenant-select") == "xinjiang"  # the first granted
    await page.select_option("#tenant-select", "zhuhai")  # submits itself
    await page.wait_for_function("document.body.dataset.tenant === 'zhuhai'")
    assert await page.input_value("#tenant-select") == "zhuhai"
    await page.click("form[action='/console/signout'] button")
    await page.wait_for_url("**/console/signin")
    await page.goto(f"{stack.url('gateway')}/console/queue")
    assert page.url.endswith("/console/signin")
    assert errors == []


async def test_markup_in_a_title_is_text_and_runs_nothing(desk, stack, gateway):
    page, errors = desk
    payload = (f"<img src=x onerror=\"window.__pwned=1\"><script>window.__pwned=2</script> "
               f"{uuid.uuid4().hex[:6]}")
    ticket = zhuhai_ticket(gateway, title=payload)
    await sign_in(page, stack.url("gateway"), ["zhuhai"], "vendor_engineer")
    await page.goto(f"{stack.url('gateway')}/console/queue?q={payload.split()[-1]}")
    assert await page.inner_text(f"#t-{ticket['id']} td.title") == payload
    await page.goto(f"{stack.url('gateway')}/console/tickets/{ticket['id']}")
    assert await page.inner_text(".ticket-head .title") == payload
    assert await page.evaluate("window.__pwned") is None
    assert errors == []


async def test_the_phone_layout_of_queue_ticket_and_intake(browser, stack, gateway):  # noqa: F811
    ticket = zhuhai_ticket(gateway, title="手机上查看的工单", priority="p2")
    context = await new_context(browser, phone=True)
    try:
        page = await context.new_page()
        errors = await watch_errors(page)
        await sign_in(page, stack.url("gateway"), ["zhuhai"], "vendor_engineer")
        width = await page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the queue is {width}px wide on a 390px phone"
        await screenshot(page, "queue-phone")
        await page.goto(f"{stack.url('gateway')}/console/tickets/{ticket['id']}")
        assert await page.evaluate("document.documentElement.scrollWidth") <= 390
        await screenshot(page, "ticket-phone")
        await page.goto(f"{stack.url('gateway')}/console/tickets/new")
        assert await page.evaluate("document.activeElement.id") == "reporter"  # keyboard first
        await screenshot(page, "new-ticket-phone")
        assert errors == []
    finally:
        await context.close()


async def test_the_intake_form_by_keyboard(desk, stack):
    page, errors = desk
    title = f"键盘受理 {uuid.uuid4().hex[:6]}"
    await sign_in(page, stack.url("gateway"), ["zhuhai"], "vendor_engineer")
    await page.keyboard.press("c")  # the shortcut to a new ticket
    await page.wait_for_url("**/console/tickets/new")
    await page.keyboard.type("派出所值班民警（占位）")
    await page.keyboard.press("Tab")  # system: the contract's first
    for _ in range(4):  # kind, priority, channel, then the title
        await page.keyboard.press("Tab")
    await page.keyboard.type(title)
    await page.keyboard.press("Enter")
    await page.wait_for_selector(".flash-ok:text('已创建工单')")
    assert title in await page.inner_text(".ticket-head")
    await screenshot(page, "new-ticket-created-desktop")
    assert await aquery(stack, "SELECT 1 FROM ticketing.tickets WHERE title = $1", title)
    assert errors == []


async def test_recording_an_inspection_round_on_a_phone_with_a_photo(browser, stack):  # noqa: F811
    """beijing's daily rounds run in 2026 (its term); a round missed this week is made up."""
    context = await new_context(browser, phone=True)
    try:
        page = await context.new_page()
        errors = await watch_errors(page)
        await sign_in(page, stack.url("gateway"), ["beijing"], "vendor_engineer", "bj-eng-01")
        await page.goto(f"{stack.url('gateway')}/console/inspections")
        await screenshot(page, "inspections-phone")
        missed = page.locator(".round-missed a")
        assert await missed.count() > 0, "no missed beijing round in the last 7 days to make up"
        await missed.last.click()
        await page.wait_for_selector("form.checklist")
        items = page.locator("li.item")
        for i in range(await items.count()):
            await items.nth(i).locator("input[value=ok]").check()
        photo = camera_photo()
        assert len(photo) > 2_000_000
        await items.nth(1).locator("input[type=file]").set_input_files(
            files=[{"name": "机柜.png", "mimeType": "image/png", "buffer": photo}])
        await page.locator("form.checklist[data-shrinking='0']").wait_for()  # the photo is made small
        first = items.first
        await first.locator("input[value=anomaly]").check()
        await first.locator("textarea").fill("应用服务响应慢，已重启")
        await first.locator("input[type=file]").set_input_files(
            files=[{"name": "机房照片.png", "mimeType": "image/png", "buffer": PNG}])
        assert await page.evaluate("document.documentElement.scrollWidth") <= 390
        await screenshot(page, "inspection-round-phone")
        await page.click("button.submit-round")
        await page.wait_for_selector(".flash-ok:text('巡检记录已提交')")
        assert "已补检" in await page.inner_text(".ticket-head")
        assert "机房照片.png" in await page.inner_text("li.item >> nth=0")
        assert "机柜.jpg" in await page.inner_text("li.item >> nth=1")  # made small on the phone
        stored = await aquery(stack, "SELECT content_type, length(content) AS size FROM "
                                     "ticketing.inspection_evidence WHERE filename = '机柜.jpg'")
        assert stored and stored[-1]["content_type"] == "image/jpeg" and stored[-1]["size"] <= 1_000_000
        await page.click("li.item >> nth=0 >> button:text('据此开故障单')")
        await page.wait_for_url("**/console/tickets/**")
        assert "应用服务响应慢" in await page.inner_text("#ticket-main")
        assert errors == []
    finally:
        await context.close()


async def test_sign_in_with_the_identity_provider_renewal_and_sign_out(browser, stack):  # noqa: F811
    """OpenID Connect against a certified provider: code + PKCE, the gateway accepting the
    provider's access token, renewal before expiry, and sign-out ending the provider's session."""
    accounts = {"oidc-eng": {"tenants": ["zhuhai", "xinjiang"], "roles": ["vendor_engineer"]}}
    gateway_url = stack.url("gateway")
    with identity_provider(gateway_url, accounts, access_ttl=70) as idp:
        stack.restart_process("gateway", idp.gateway_env())
        stack.restart_process("console", idp.console_env())
        context = await new_context(browser)
        try:
            page = await context.new_page()
            errors = await watch_errors(page, origin=gateway_url)  # the provider's pages are not ours
            await page.goto(f"{gateway_url}/console/signin")
            await page.click("#oidc-signin")
            await page.wait_for_url(f"{idp.issuer}/**")
            await page.fill("input[name=login]", "oidc-eng")
            await page.fill("input[name=password]", "any-password")
            await page.click("button[type=submit]")
            await page.click("button[type=submit]")  # the provider's consent (offline access)
            await page.wait_for_url("**/console/queue")
            me = await (await context.request.get(f"{gateway_url}/console/me")).json()
            assert (me["method"], me["subject"]) == ("oidc", "oidc-eng")
            assert me["tenants"] == ["zhuhai", "xinjiang"]
            assert await page.locator("#tickets").count() == 1  # the API answered the provider's token
            # 70 s tokens are renewed within their last 60 s: after 11 s the next page renews it
            await page.wait_for_timeout(11_000)
            await page.goto(f"{gateway_url}/console/queue")
            renewed = await (await context.request.get(f"{gateway_url}/console/me")).json()
            assert renewed["expires_in"] > me["expires_in"] - 5, (me, renewed)
            await page.click("form[action='/console/signout'] button")
            await page.wait_for_url(f"{idp.issuer}/**")
            await page.click("button[type=submit]")  # the provider asks to confirm signing out
            await page.wait_for_url("**/console/signin")
            await page.click("#oidc-signin")  # the provider's session is gone: it asks again
            await page.wait_for_selector("input[name=login]")
            assert errors == []
        finally:
            await context.close()
            stack.restart_process("console")
            stack.restart_process("gateway")


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
async def test_the_main_pages_have_no_serious_accessibility_violations(browser, stack, gateway, phone):  # noqa: F811
    ticket = zhuhai_ticket(gateway, title="无障碍检查的工单")
    context = await new_context(browser, phone=phone)
    try:
        page = await context.new_page()
        await page.goto(f"{stack.url('gateway')}/console/signin")
        found = {"signin": await accessibility_problems(page)}
        await sign_in(page, stack.url("gateway"), ["zhuhai"], "vendor_engineer")
        for name, path in (("queue", "/console/queue"), ("ticket", f"/console/tickets/{ticket['id']}"),
                           ("new", "/console/tickets/new"), ("inspections", "/console/inspections"),
                           ("duty", "/console/duty")):
            await page.goto(f"{stack.url('gateway')}{path}")
            found[name] = await accessibility_problems(page)
            await screenshot(page, f"{name}-{'phone' if phone else 'desktop'}")
        assert {name: problems for name, problems in found.items() if problems} == {}
    finally:
        await context.close()


async def test_a_day_at_the_desk_from_a_hook_fault_to_resolved(desk, stack, gateway):
    """The duty engineer's day in the browser: a 12123 fault arrives, is taken through the
    workflow to resolved with a note at each step, and the duty page shows who is on."""
    page, errors = desk
    engineer = f"xj-duty-{uuid.uuid4().hex[:4]}"
    now = datetime.now(SHANGHAI)
    manager = api_person("xinjiang", "m", "vendor_manager")
    staff = gateway.post("/api/inventory/staff", headers=manager, json={
        "code": engineer, "name": "工程师丁", "role": "驻场工程师", "post": "hq"})
    assert staff.status_code == 201, staff.text
    shift = {"post": "hq", "staff": engineer, "starts_at": (now - timedelta(hours=1)).isoformat(),
             "ends_at": (now + timedelta(hours=7)).isoformat()}
    rostered = gateway.post("/api/inventory/roster/shifts", headers=manager, json={"shifts": [shift]})
    assert rostered.status_code in (200, 201), rostered.text
    try:
        await sign_in(page, stack.url("gateway"), ["xinjiang"], "vendor_engineer", engineer)
        await page.wait_for_selector("#live-state:text('实时更新已连接')")
        reported = gateway.post("/hooks/xinjiang/12123", json=fault(f"F-{uuid.uuid4().hex[:8]}"))
        assert reported.status_code == 201, reported.text
        ticket = reported.json()
        await page.locator(f"#t-{ticket['id']} a.open").click()
        await page.wait_for_selector("#ticket-main")
        for step, shown, note in (("acknowledged", "已响应", "已电话回复交警总队"),
                                  ("dispatched", "已派单", "派驻场工程师"), ("on_site", "已到场", "已到现场"),
                                  ("resolved", "已解决", "缴费通道重启后恢复")):
            await page.fill("#transition-note", note)
            if step == "dispatched":
                await page.fill("#transition-assignee", engineer)
            await page.click(f"button[data-to='{step}']")
            await page.wait_for_selector(f"#ticket-status:text('{shown}')")
            assert note in await page.inner_text(".timeline")
        assert await page.inner_text("#ticket-status") == "已解决"
        await screenshot(page, "ticket-resolved-desktop")
        await page.click("nav a[href='/console/duty']")
        await page.wait_for_selector("#h-now")
        assert engineer in await page.inner_text("section[aria-labelledby=h-now]")
    finally:  # xinjiang's on-site clock and notify's on-duty list read this roster: leave it as found
        for made in rostered.json():
            gone = gateway.delete(f"/api/inventory/roster/shifts/{made['id']}", headers=manager)
            assert gone.status_code == 204, gone.text
        wait_until(lambda: not any(d["staff"] == engineer for d in gateway.get(
            "/api/notify/duty", headers=manager).json()), message="notify's copy of the roster")
    assert errors == []
