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
