"""The web console over HTTP, through the gateway's one origin: sign-in, the guards on state
changes, the headers a browser app owes, and what its pages show (the browser itself is
driven in test_console_browser)."""

from __future__ import annotations

import re
import uuid

import httpx
import pytest
from opspact.testing.console import api_person, origin, signed_in
from opspact.testing.plugin import wait_until
from opspact.testing.probes import fault, query

TICKETS = "/api/ticketing/tickets"
ENGINEER = api_person("zhuhai", "zh-desk", "vendor_engineer")


def test_a_person_starts_at_the_gateway_and_is_sent_to_sign_in(stack):
    with httpx.Client(base_url=stack.url("gateway"), follow_redirects=True) as browser:
        page = browser.get("/")
    assert page.status_code == 200
    assert str(page.url).endswith("/console/signin")
    assert "开发环境登录" in page.text and 'lang="zh-CN"' in page.text


def test_pages_carry_a_strict_csp_and_no_store_while_static_files_are_cached(stack):
    with signed_in(stack, ["zhuhai"], "vendor_engineer") as (browser, _):
        page = browser.get("/console/queue")
        css = browser.get("/console/static/console.css")
        htmx = browser.get("/console/static/vendor/htmx-2.0.11.min.js")
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert page.headers["cache-control"] == "no-store"
    assert css.status_code == 200 and "max-age" in css.headers["cache-control"]
    assert htmx.status_code == 200 and htmx.text.startswith("var htmx")
    assert not re.search(r"<script(?![^>]*\bsrc=)", page.text), "an inline script the CSP would block"
    assert not re.search(r"\son[a-z]+=", page.text), "an inline event handler the CSP would block"
    assert not re.search(r"\sstyle=", page.text), "an inline style the CSP would block"


def test_the_session_cookie_is_httponly_samesite_and_holds_no_token(stack):
    with signed_in(stack, ["zhuhai"], "vendor_engineer") as (browser, _):
        cookie = next(c for c in browser.cookies.jar if c.name == "opspact-session")
        me = browser.get("/console/me").json()
    assert cookie.has_nonstandard_attr("HttpOnly")
    assert cookie._rest.get("SameSite", "").lower() == "lax"
    assert not cookie.value.startswith("eyJ")  # a random id, not the JWT
    assert me["tenant"] == "zhuhai" and me["roles"] == ["vendor_engineer"]
    assert "token" not in me


def test_sign_in_needs_our_own_origin_and_the_forms_token(stack):
    with httpx.Client(base_url=stack.url("gateway")) as browser:
        form = browser.get("/console/signin")
        pre = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
        fields = {"csrf_token": pre, "tenant": "zhuhai", "role": "vendor_engineer", "subject": "eng-1"}
        no_origin = browser.post("/console/signin/dev", data=fields)
        elsewhere = browser.post("/console/signin/dev", data=fields, headers={"Origin": "https://evil.example"})
        wrong_token = browser.post("/console/signin/dev", data={**fields, "csrf_token": "x" * 32},
                                   headers=origin(stack))
        fine = browser.post("/console/signin/dev", data=fields, headers=origin(stack))
    assert no_origin.status_code == elsewhere.status_code == wrong_token.status_code == 403
    assert "请求来源不可信" in no_origin.text
    assert fine.status_code == 303 and fine.headers["location"] == "/console/queue"


def test_a_state_change_without_the_csrf_token_is_refused_and_writes_nothing(stack, gateway):
    with signed_in(stack, ["zhuhai"], "vendor_engineer") as (browser, csrf):
        ticket = browser_ticket(gateway)
        path = f"/console/tickets/{ticket['id']}/comments"
        forged = browser.post(path, data={"body": "伪造的备注"}, headers=origin(stack))
        cross_site = browser.post(path, data={"body": "伪造的备注", "csrf_token": csrf},
                                  headers={"Origin": "https://evil.example"})
        real = browser.post(path, data={"body": "真实的备注", "csrf_token": csrf}, headers=origin(stack))
    assert forged.status_code == cross_site.status_code == 403
    assert real.status_code == 200 and "真实的备注" in real.text
    bodies = [r["body"] for r in query(stack, "SELECT body FROM ticketing.ticket_comments "
                                               "WHERE ticket_id = $1", uuid.UUID(ticket["id"]))]
    assert bodies == ["真实的备注"]


def test_a_title_with_markup_is_shown_as_text(stack, gateway):
    payload = f"<script>alert('xss')</script><img src=x onerror=alert(1)> {uuid.uuid4().hex[:6]}"
    ticket = browser_ticket(gateway, title=payload)
    with signed_in(stack, ["zhuhai"], "vendor_engineer") as (browser, _):
        queue = browser.get("/console/queue", params={"q": payload.split()[-1]})
        page = browser.get(f"/console/tickets/{ticket['id']}")
    for html in (queue.text, page.text):
        assert "&lt;script&gt;alert(&#39;xss&#39;)&lt;/script&gt;" in html
        assert "<script>alert" not in html and "<img src=x" not in html


def test_the_queue_is_the_apis_list_with_its_filters(stack, gateway):
    marker = uuid.uuid4().hex[:8]
    first = browser_ticket(gateway, title=f"队列 {marker} 一", priority="p1")
    browser_ticket(gateway, title=f"队列 {marker} 二", priority="p4")
    with signed_in(stack, ["zhuhai"], "vendor_engineer") as (browser, _):
        both = browser.get("/console/queue", params={"q": marker})
        urgent = browser.get("/console/queue", params={"q": marker, "priority": "p1"})
        partial = browser.get("/console/queue", params={"q": marker}, headers={
            "HX-Request": "true", "HX-Target": "queue-results"})
        bad = browser.get("/console/queue", params={"status": "nonsense"})
    assert both.text.count('class="row ') == 2 and "共 2 条" in both.text
    assert urgent.text.count('class="row ') == 1 and first["number"] in urgent.text
    assert "<html" not in partial.text and partial.text.count('class="row ') == 2
    assert bad.status_code == 422 and "筛选条件无效" in bad.text


def test_a_client_viewer_gets_no_vendor_controls(stack, gateway):
    ticket = browser_ticket(gateway)
    with signed_in(stack, ["zhuhai"], "client_viewer") as (browser, csrf):
        queue = browser.get("/console/queue")
        page = browser.get(f"/console/tickets/{ticket['id']}")
        refused = browser.post(f"/console/tickets/{ticket['id']}/transition", headers=origin(stack),
                               data={"to": "acknowledged", "expected_status": "new", "csrf_token": csrf})
    assert 'id="bulk-form"' not in queue.text and 'name="ids"' not in queue.text
    assert 'href="/console/tickets/new"' not in queue.text
    assert 'name="to"' not in page.text and "comment-form" not in page.text and "只读视图" in page.text
    assert refused.status_code == 403 and "没有权限" in refused.text


def test_tenant_switch_only_to_a_granted_tenant(stack):
    with signed_in(stack, ["zhuhai", "xinjiang"], "vendor_manager") as (browser, csrf):
        moved = browser.post("/console/tenant", data={"tenant": "xinjiang", "csrf_token": csrf},
                             headers=origin(stack))
        after = browser.get("/console/me").json()
        refused = browser.post("/console/tenant", data={"tenant": "beijing", "csrf_token": csrf},
                               headers=origin(stack))
    assert moved.status_code == 303 and after["tenant"] == "xinjiang"
    assert refused.status_code == 403 and "beijing" in refused.text


def test_sign_out_ends_the_session(stack):
    with signed_in(stack, ["zhuhai"], "vendor_engineer") as (browser, csrf):
        out = browser.post("/console/signout", data={"csrf_token": csrf}, headers=origin(stack))
        again = browser.get("/console/queue")
    assert out.status_code == 303 and out.headers["location"] == "/console/signin"
    assert again.status_code == 303 and again.headers["location"] == "/console/signin"


def test_a_new_ticket_from_the_intake_form_is_created_once(stack):
    title = f"电话报障 {uuid.uuid4().hex[:6]}"
    with signed_in(stack, ["zhuhai"], "vendor_engineer") as (browser, csrf):
        form = browser.get("/console/tickets/new")
        key = re.search(r'name="idempotency_key" value="([^"]+)"', form.text).group(1)
        fields = {"csrf_token": csrf, "idempotency_key": key, "reporter": "派出所值班民警（占位）",
                  "system": "smart-station", "kind": "incident", "priority": "p2", "channel": "hotline",
                  "title": title, "description": "自助机无法打印"}
        first = browser.post("/console/tickets/new", data=fields, headers=origin(stack))
        twice = browser.post("/console/tickets/new", data=fields, headers=origin(stack))
        empty = browser.post("/console/tickets/new", headers={**origin(stack), "HX-Request": "true"},
                             data={**fields, "idempotency_key": str(uuid.uuid4()), "title": ""})
    assert first.status_code == 303 and first.headers["location"] == twice.headers["location"]
    assert "智慧" in form.text or "smart-station" in form.text  # the contract's systems to choose from
    assert len(query(stack, "SELECT id FROM ticketing.tickets WHERE title = $1", title)) == 1
    assert empty.status_code == 422 and empty.headers["hx-retarget"] == "#flash"


def test_an_unknown_page_is_a_page_not_a_json_error(stack):
    with signed_in(stack, ["zhuhai"], "vendor_engineer") as (browser, _):
        missing = browser.get("/console/nowhere")
        not_a_ticket = browser.get(f"/console/tickets/{uuid.uuid4()}")
    assert missing.status_code == 404 and "找不到该页面" in missing.text
    assert not_a_ticket.status_code == 404 and "<html" in not_a_ticket.text


def test_hook_tickets_show_in_the_queue(stack, gateway):
    reported = gateway.post("/hooks/xinjiang/12123", json=fault(f"F-{uuid.uuid4().hex[:8]}"))
    assert reported.status_code == 201, reported.text
    with signed_in(stack, ["xinjiang"], "vendor_engineer") as (browser, _):
        page = browser.get("/console/queue", params={"q": reported.json()["number"]})
    assert reported.json()["number"] in page.text and "data-schedule=" in page.text


def browser_ticket(gateway, **fields) -> dict:
    body = {"system": "smart-station", "title": "自助机故障", **fields}
    created = gateway.post(TICKETS, headers=ENGINEER, json=body)
    assert created.status_code == 201, created.text
    return created.json()


@pytest.mark.parametrize("path", ["/console/queue", "/console/tickets/new"])
def test_pages_need_a_session(stack, path):
    with httpx.Client(base_url=stack.url("gateway")) as browser:
        answer = browser.get(path)
        htmx = browser.get(path, headers={"HX-Request": "true"})
    assert answer.status_code == 303 and answer.headers["location"] == "/console/signin"
    assert htmx.status_code == 204 and htmx.headers["hx-redirect"] == "/console/signin"


def test_check_in_and_out_on_the_duty_page(stack, gateway):
    code = f"con-{uuid.uuid4().hex[:6]}"
    added = gateway.post("/api/inventory/staff", headers=api_person("xinjiang", "mgr", "vendor_manager"),
                         json={"code": code, "name": "工程师丙", "role": "驻场工程师", "post": "hq"})
    assert added.status_code == 201, added.text
    with signed_in(stack, ["xinjiang"], "vendor_engineer", subject=code) as (browser, csrf):
        page = browser.get("/console/duty")
        checked_in = browser.post("/console/duty/check-in", data={"csrf_token": csrf, "note": "到岗"},
                                  headers=origin(stack))
        after = browser.get("/console/duty")
        twice = browser.post("/console/duty/check-in", data={"csrf_token": csrf},
                             headers={**origin(stack), "HX-Request": "true"})
        out = browser.post("/console/duty/check-out", data={"csrf_token": csrf}, headers=origin(stack))
        nonsense = browser.post("/console/duty/leave", data={"csrf_token": csrf}, headers=origin(stack))
    assert page.status_code == 200 and 'id="check-in"' in page.text and "排班缺口" in page.text
    assert checked_in.status_code == 303 and 'id="check-out"' in after.text
    assert twice.status_code == 409 and twice.headers["hx-retarget"] == "#flash"
    assert out.status_code == 303 and nonsense.status_code == 404
    rows = query(stack, "SELECT check_out_at, note FROM inventory.attendance WHERE staff = $1", code)
    assert len(rows) == 1 and rows[0]["check_out_at"] is not None and "到岗" in rows[0]["note"]


def test_a_client_officer_sees_the_roster_but_no_check_in(stack):
    with signed_in(stack, ["beijing"], "client_viewer") as (browser, _):
        page = browser.get("/console/duty")
    assert page.status_code == 200 and "本周排班" in page.text and 'id="check-in"' not in page.text


def test_the_ticket_page_lists_what_was_sent_and_an_escalation_is_acknowledged(stack, gateway):
    reported = gateway.post("/hooks/xinjiang/12123", json=fault(f"F-{uuid.uuid4().hex[:8]}", level="p1"))
    assert reported.status_code == 201, reported.text
    ticket = reported.json()
    manager = api_person("xinjiang", "mgr", "vendor_manager")
    wait_until(lambda: gateway.get("/api/notify/notifications", headers=manager,
                                   params={"subject": ticket["id"]}).json()["items"])
    with signed_in(stack, ["xinjiang"], "vendor_manager", subject="xj-mgr") as (browser, csrf):
        page = browser.get(f"/console/tickets/{ticket['id']}")
        sent = gateway.get("/api/notify/notifications", headers=manager,
                           params={"subject": ticket["id"]}).json()["items"]
        ack = browser.post(f"/console/tickets/{ticket['id']}/notifications/{sent[0]['id']}/acknowledge",
                           data={"csrf_token": csrf}, headers={**origin(stack), "HX-Request": "true"})
    assert "通知记录" in page.text and "确认收到" in page.text
    assert ack.status_code == 200 and "已确认收到" in ack.text and "xj-mgr" in ack.text


def test_the_project_manager_imports_a_door_systems_export_on_the_duty_page(stack, gateway):
    code = f"imp-{uuid.uuid4().hex[:6]}"
    manager = api_person("xinjiang", "mgr", "vendor_manager")
    added = gateway.post("/api/inventory/staff", headers=manager, json={
        "code": code, "name": "工程师戊", "role": "驻场工程师", "post": "hq"})
    assert added.status_code == 201, added.text
    export = f"工号,日期,上班打卡,下班打卡\r\n{code},2026-11-20,09:58,18:02\r\n".encode("gb18030")
    with signed_in(stack, ["xinjiang"], "vendor_manager", subject="xj-pm") as (browser, csrf):
        page = browser.get("/console/duty")
        sent = {"csrf_token": csrf}
        upload = {"file": ("门禁导出.csv", export, "text/csv")}
        first = browser.post("/console/duty/import", data=sent, files=upload,
                             headers={**origin(stack), "HX-Request": "true"})
        again = browser.post("/console/duty/import", data=sent, files=upload,
                             headers={**origin(stack), "HX-Request": "true"})
        bad = browser.post("/console/duty/import", data=sent, headers={**origin(stack), "HX-Request": "true"},
                           files={"file": ("坏文件.csv", b"name\nx\n", "text/csv")})
    with signed_in(stack, ["xinjiang"], "vendor_engineer") as (engineer, _):
        theirs = engineer.get("/console/duty")
    assert 'id="import-file"' in page.text and 'id="import-file"' not in theirs.text
    assert first.status_code == 200 and "已导入 1 条" in first.text
    assert again.status_code == 200 and "已导入 0 条" in again.text and "1 条此前已导入" in again.text
    assert bad.status_code == 422 and "未导入任何记录" in bad.text and "工号" in bad.text
    rows = query(stack, "SELECT source, recorded_by FROM inventory.attendance WHERE staff = $1", code)
    assert [(r["source"], r["recorded_by"]) for r in rows] == [("import", "xj-pm")]
