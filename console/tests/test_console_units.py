"""The console's parts that need no stack: the catalogue, sessions, the live feed's
filter, and the dev sign-in's refusal outside dev."""

from __future__ import annotations

import re
import time
from pathlib import Path

from console.config import ConsoleSettings
from console.live import LiveFeed, what_changed
from console.main import create_app
from console.messages import LABELS, ZH_CN
from console.sessions import SessionStore
from fastapi.testclient import TestClient

TEMPLATES = Path(__file__).parents[1] / "src" / "console" / "templates"


def test_every_text_the_templates_use_is_in_the_catalogue():
    used = set()
    for template in TEMPLATES.rglob("*.html"):
        used |= set(re.findall(r"""_\(\s*["']([a-z_]+(?:\.[a-z_]+)+)["']""", template.read_text()))
    for module in (Path(__file__).parents[1] / "src" / "console").rglob("*.py"):
        used |= set(re.findall(r"""messages\(\s*["']([a-z_]+(?:\.[a-z_]+)+)["']""", module.read_text()))
    assert used, "no catalogue keys found: the pattern is wrong"
    assert sorted(used - set(ZH_CN)) == []
    # and the keys built from a clock's state
    states = ("met", "paused", "cancelled", "calendar_missing", "breached")
    assert {f"clock.{state}" for state in states} <= set(ZH_CN)


def test_every_status_and_priority_has_a_chinese_label():
    assert set(LABELS["status"]) == {"new", "acknowledged", "dispatched", "on_site", "waiting_other_unit",
                                     "waiting_finance_dept", "waiting_client", "resolved", "closed"}
    assert all(re.search(r"[\u4e00-\u9fff]", text) for text in LABELS["status"].values())


def test_sessions_expire_when_idle_and_the_store_is_bounded():
    store = SessionStore(idle_seconds=60, absolute_seconds=3600, max_sessions=10)
    kept = store.open(token="t", subject="a", tenants=["zhuhai"], roles=["vendor_engineer"], method="dev")
    sessions = [store.open(token="t", subject=str(i), tenants=["zhuhai"], roles=["vendor_engineer"],
                           method="dev") for i in range(10)]
    assert store.get(kept.id) is None and len(store) == 10  # the least recently used went first
    idle = sessions[-1]
    idle.used -= 61
    assert store.get(idle.id) is None
    expired = store.open(token="t", subject="x", tenants=["zhuhai"], roles=["finance"], method="dev",
                         token_expires_at=time.time() - 1)
    assert store.get(expired.id) is None  # the token's own expiry ends the session


def test_a_session_offers_what_the_permission_table_allows():
    store = SessionStore(60, 3600, 10)
    viewer = store.open(token="t", subject="v", tenants=["zhuhai"], roles=["client_viewer"], method="dev")
    engineer = store.open(token="t", subject="e", tenants=["zhuhai"], roles=["vendor_engineer"], method="dev")
    assert not viewer.may("tickets.write") and viewer.may("tickets.read")
    assert engineer.may("tickets.write") and engineer.may("comments.internal")


def test_the_live_feed_tells_a_tenants_browsers_which_ticket_changed():
    assert what_changed("ticketing.ticket.created.v1", "id-1", {}) == {"ticket": "id-1", "action": "created"}
    breached = what_changed("ticketing.sla.breached.v1", "id-2", {})
    assert breached == {"ticket": "id-2", "action": "sla.breached"}
    assert what_changed("billing.violation.recorded.v1", "x", {}) is None
    feed = LiveFeed("127.0.0.1:1", ["ticketing.events"])
    with feed.subscribe("zhuhai") as mine, feed.subscribe("xinjiang") as theirs:
        feed.publish(b'{"tenantid": "zhuhai", "type": "ticketing.ticket.created.v1", "subject": "t1"}')
        feed.publish(b"not json")
        assert mine.queue.qsize() == 1 and theirs.queue.qsize() == 0


def test_dev_sign_in_is_refused_outside_dev():
    app = create_app(ConsoleSettings(env="prod", console_live_enabled=False))
    client = TestClient(app)
    form = client.get("/console/signin")
    refused = client.post("/console/signin/dev", data={"tenant": "zhuhai", "role": "vendor_engineer"},
                          headers={"Origin": "http://127.0.0.1:8000"})
    assert "开发环境登录" not in form.text and "未配置单点登录" in form.text
    assert refused.status_code == 404


def test_the_pager_links_to_the_pages_around_this_one():
    from console.web import templates
    pager = templates.env.get_template("desk/_pager.html").module.pager
    html = str(pager(2, 3, lambda n: f"/x?page={n}"))
    assert 'href="/x?page=1" rel="prev"' in html and 'href="/x?page=3" rel="next"' in html
    assert "第 2 / 3 页" in html
    assert str(pager(1, 1, lambda n: "")).strip() == ""  # one page: no pager at all


def test_a_week_grid_puts_shifts_on_their_day_and_gaps_where_they_fall():
    from datetime import date

    from console.desk.roster import week_grid
    monday = date(2026, 12, 7)
    shifts = [{"id": 1, "post": "onsite", "staff": "e1", "starts_at": "2026-12-07T20:00:00+08:00",
               "ends_at": "2026-12-08T08:00:00+08:00"},
              {"id": 2, "post": "hq", "staff": "e2", "starts_at": "2026-12-13T09:00:00+08:00",
               "ends_at": "2026-12-13T17:00:00+08:00"}]
    gaps = [{"post": "onsite", "starts_at": "2026-12-08T23:00:00+08:00",
             "ends_at": "2026-12-09T07:00:00+08:00", "required": 1, "covered": 0, "hours": 8.0}]
    rows = week_grid(monday, {"onsite": "驻场工程师"}, shifts, gaps)
    assert [r.post for r in rows] == ["onsite", "hq"]  # the contract's posts first, then the rest
    assert [len(c.shifts) for c in rows[0].cells] == [1, 0, 0, 0, 0, 0, 0]
    assert [len(c.gaps) for c in rows[0].cells] == [0, 1, 1, 0, 0, 0, 0]  # a night gap spans two days
    assert rows[1].cells[6].shifts[0]["id"] == 2


def test_the_impact_graph_lays_out_depths_as_columns():
    from console.desk.impact_graph import COLUMN, layout
    def item(code, kind, depth, via):
        return {"code": code, "name": code.upper(), "kind": kind, "depth": depth, "via": via, "path": []}
    impact = {"impacted": [item("app", "application", 1, "srv"), item("ui", "application", 2, "app"),
                           item("db", "software", 1, "srv")]}
    graph = layout({"code": "srv", "name": "服务器", "kind": "server"}, impact)
    assert [(n.code, n.depth) for n in graph.nodes] == [("srv", 0), ("app", 1), ("db", 1), ("ui", 2)]
    assert {n.x for n in graph.nodes if n.depth == 1} == {graph.nodes[0].x + COLUMN}
    assert len(graph.edges) == 3 and graph.width > 2 * COLUMN


def test_amounts_are_checked_as_billing_checks_them():
    from console.desk.money import amount_of, invoice_room, payment_room
    from console.web import Refused
    assert str(amount_of(" ¥636,000.50 ")) == "636000.50"
    for bad in ("0", "-1", "1.001", "abc", ""):
        try:
            amount_of(bad)
        except Refused as exc:
            assert exc.status == 422
        else:
            raise AssertionError(bad)
    def amount(v): return {"value": v}
    milestone = {"amount": amount("1000.00"), "invoiced": amount("600.00"), "paid": amount("500.00"),
                 "outstanding": amount("300.00"), "invoice_first": True}
    assert str(invoice_room(milestone)) == "400.00"
    assert str(payment_room(milestone)) == "100.00"  # invoiced and unpaid, not all that is owed
    assert str(payment_room({**milestone, "invoice_first": False})) == "300.00"
