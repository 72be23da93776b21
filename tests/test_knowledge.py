"""The knowledge base, the work log and emergency plans through the gateway:
Chinese search that finds words inside longer words, versions, suggestions for an
incident, time spent per category, drills against plan versions."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import pytest
from opspact.calendar import SHANGHAI
from opspact.testing.plugin import auth

KB = "/api/ticketing/knowledge"
ENGINEER = auth("zhuhai", "vendor_engineer")


def article(gateway, **overrides) -> dict:
    body = {"title": "数据库连接池耗尽导致接口超时", "background": "高峰期智慧派出所系统接口大量超时",
            "applies_to": "智慧派出所系统 Tomcat 应用节点", "summary": "调大连接池上限并排查未关闭的连接",
            "systems": ["smart-station"], "tags": ["Tomcat"], **overrides}
    r = gateway.post(KB, headers=ENGINEER, json=body)
    assert r.status_code == 201, r.text
    return r.json()


def search(gateway, q: str, **params) -> dict:
    r = gateway.get(KB, headers=auth("zhuhai", "client_viewer"), params={"q": q, **params})
    assert r.status_code == 200, r.text
    return r.json()


def test_chinese_search_finds_words_inside_words(gateway):
    marker = uuid.uuid4().hex[:8]
    pool = article(gateway, title=f"数据库连接池耗尽导致接口超时 {marker}")
    article(gateway, title=f"人脸接口Kafka消费积压 {marker}", background="视频云平台推送量激增",
            applies_to="数据同步服务", summary="增加消费者分区并监控积压", systems=["interfaces"])
    found = search(gateway, "连接池")
    assert pool["id"] in [a["id"] for a in found["items"]] and found["matched"] == "all"
    assert found["terms"] == ["连接池"]
    both = search(gateway, f"接口 {marker}")
    assert len(both["items"]) == 2
    # the title carries the words: the pool article ranks first for 连接池 超时
    ranked = search(gateway, f"连接池 超时 {marker}")
    assert ranked["items"][0]["id"] == pool["id"] and ranked["items"][0]["rank"] > 0
    # no article has every word: those with some, ranked
    loose = search(gateway, f"连接池 怎么 处理 {marker}")
    assert loose["matched"] == "any" and loose["items"][0]["id"] == pool["id"]
    assert search(gateway, "连接池", system="interfaces")["total"] == 0
    # another tenant's articles are not there
    other = gateway.get(KB, headers=auth("xinjiang", "client_viewer"), params={"q": marker})
    assert other.json()["total"] == 0


def test_tsquery_syntax_in_a_query_is_just_text(gateway):
    for q in ("a & b | !c", "'); DROP TABLE x; --", "连接池:*", "\\"):
        r = gateway.get(KB, headers=ENGINEER, params={"q": q})
        assert r.status_code in (200, 422), r.text


def test_a_pasted_log_line_does_not_break_the_index(gateway):
    blob = "A" * 5000  # one 5,000-character "word": over PostgreSQL's lexeme limit
    found = article(gateway, title="日志里的长串", summary=f"错误堆栈 {blob} 连接池")
    assert found["id"] in [a["id"] for a in search(gateway, "错误堆栈")["items"]]


def test_versions_and_stale_edits(gateway):
    first = article(gateway, title="Nginx 502 排查")
    edit = {k: first[k] for k in ("title", "background", "applies_to", "summary", "systems")}
    r = gateway.put(f"{KB}/{first['id']}", headers=ENGINEER,
                    json={**edit, "summary": "检查上游 Tomcat 存活与 proxy_read_timeout", "version": 1,
                          "note": "补充超时参数"})
    assert r.status_code == 200 and r.json()["version"] == 2
    stale = gateway.put(f"{KB}/{first['id']}", headers=ENGINEER, json={**edit, "version": 1})
    assert stale.status_code == 409 and "version 2" in stale.json()["detail"]
    versions = gateway.get(f"{KB}/{first['id']}/versions", headers=ENGINEER).json()
    assert [v["version"] for v in versions] == [2, 1] and versions[0]["note"] == "补充超时参数"
    assert search(gateway, "proxy_read_timeout")["items"][0]["id"] == first["id"]


def test_suggestions_for_an_incident(gateway):
    marker = uuid.uuid4().hex[:8]
    pool = article(gateway, title=f"连接池耗尽 {marker}")
    t = gateway.post("/api/ticketing/tickets", headers=ENGINEER, json={
        "system": "smart-station", "title": f"派出所系统查询超时，疑似连接池耗尽 {marker}"})
    assert t.status_code == 201, t.text
    r = gateway.get(f"{KB}/suggestions", headers=ENGINEER, params={"ticket_id": t.json()["id"]})
    assert r.status_code == 200 and r.json()["items"][0]["id"] == pool["id"]
    missing = gateway.get(f"{KB}/suggestions", headers=ENGINEER, params={"ticket_id": str(uuid.uuid4())})
    assert missing.status_code == 404


@pytest.mark.parametrize(("change", "needle"), [
    ({"systems": ["no-such-system"]}, "unknown systems"),
    ({"ticket_ids": [str(uuid.uuid4())]}, "tickets not found"),
    ({"summary": ""}, "summary"),
])
def test_bad_articles_are_refused(gateway, change, needle):
    body = {"title": "t", "background": "b", "applies_to": "a", "summary": "s", **change}
    r = gateway.post(KB, headers=ENGINEER, json=body)
    assert r.status_code == 422 and needle in r.text, r.text


def test_worklog_entries_and_time_by_category(gateway):
    log = "/api/ticketing/worklog"
    handler = f"工程师{uuid.uuid4().hex[:4]}"
    at = datetime.now(SHANGHAI) - timedelta(hours=3)
    for category, minutes in (("fault", 45), ("fault", 30), ("consultation", 10)):
        r = gateway.post(log, headers=ENGINEER, json={
            "category": category, "occurred_at": at.isoformat(), "system": "smart-station",
            "initiator": "派出所民警", "handler": handler, "handling": "远程处理", "feedback": "已解决",
            "minutes_spent": minutes})
        assert r.status_code == 201, r.text
    page = gateway.get(log, headers=auth("zhuhai", "client_viewer"), params={"handler": handler}).json()
    assert page["total"] == 3 and page["minutes_by_category"] == {"fault": 75, "consultation": 10}
    future = gateway.post(log, headers=ENGINEER, json={
        "category": "other", "occurred_at": (at + timedelta(days=2)).isoformat(), "initiator": "a",
        "handler": "b", "handling": "c", "minutes_spent": 1})
    assert future.status_code == 422 and "future" in future.text
    negative = gateway.post(log, headers=ENGINEER, json={
        "category": "other", "occurred_at": at.isoformat(), "initiator": "a", "handler": "b",
        "handling": "c", "minutes_spent": -5})
    assert negative.status_code == 422


def test_emergency_plans_and_drills(gateway):
    plans = "/api/ticketing/emergency-plans"
    code = f"db-{uuid.uuid4().hex[:6]}"
    body = {"code": code, "category": "database", "title": "数据库宕机应急预案",
            "scenario": "主库不可用", "response_steps": "1. 切换备库 2. 通知甲方 3. 恢复主库",
            "roles": "驻场工程师：切换；项目经理：通报", "systems": ["smart-station"], "drill_every_days": 90}
    r = gateway.post(plans, headers=ENGINEER, json=body)
    assert r.status_code == 201, r.text
    plan = r.json()
    assert plan["drill_due_on"] and not plan["drill_overdue"] and plan["last_drill_on"] is None
    assert gateway.post(plans, headers=ENGINEER, json=body).status_code == 409
    held = (datetime.now(SHANGHAI) - timedelta(days=1)).date().isoformat()
    d = gateway.post(f"{plans}/{plan['id']}/drills", headers=ENGINEER, json={
        "held_on": held, "participants": ["驻场工程师A", "甲方管理员"], "scenario": "模拟主库宕机",
        "outcome": "partly", "findings": "切换脚本缺少权限"})
    assert d.status_code == 201 and d.json()["plan_version"] == 1
    r = gateway.put(f"{plans}/{plan['id']}", headers=ENGINEER,
                    json={**body, "response_steps": "1. 授权后切换备库 …", "version": 1})
    assert r.status_code == 200 and r.json()["version"] == 2
    assert r.json()["last_drill_on"] == held and len(r.json()["drills"]) == 1
    listed = gateway.get(plans, headers=auth("zhuhai", "client_viewer"), params={"category": "database"})
    assert code in [p["code"] for p in listed.json()["items"]]
    future = gateway.post(f"{plans}/{plan['id']}/drills", headers=ENGINEER, json={
        "held_on": "2099-01-01", "participants": ["x"], "scenario": "x", "outcome": "passed"})
    assert future.status_code == 422
