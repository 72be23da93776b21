"""Follow-ups (回访) and satisfaction on the real stack: a fault a person reported, resolved,
brings an SMS with a one-time link to the reporter's mobile; the reporter answers it in a
browser-like form post without logging in; a second answer changes nothing; a wrong link is
404 and an expired one 410; a low score opens a complaint ticket; a follow-up by phone is
recorded by the engineer; the monthly report counts 回访率 and 满意度."""

from __future__ import annotations

import re
from datetime import datetime, time

import httpx
from opspact.calendar import SHANGHAI
from opspact.testing.plugin import auth, wait_until
from opspact.testing.probes import query

TICKETS = "/api/ticketing/tickets"
ENGINEER = auth("beijing", "vendor_engineer")
MANAGER = auth("beijing", "vendor_manager")
HTML = {"Accept": "text/html"}


def resolved_ticket(gateway, title: str, mobile: str | None = "13800000091",
                    reporter: str = "王警官") -> dict:
    body = {"system": next(iter(_systems(gateway))), "title": title, "priority": "p3",
            "reporter": reporter, **({"reporter_mobile": mobile} if mobile else {})}
    r = gateway.post(TICKETS, headers=ENGINEER, json=body)
    assert r.status_code == 201, r.text
    ticket = r.json()
    r = gateway.post(f"{TICKETS}/{ticket['id']}/transitions", headers=ENGINEER,
                     json={"to": "resolved", "note": "已重启服务，恢复正常"})
    assert r.status_code == 200, r.text
    return ticket


def _systems(gateway) -> list[str]:
    terms = gateway.get("/api/ticketing/contract-terms", headers=MANAGER).json()
    return [s["code"] for s in terms["systems"]]


def link_of(stack, ticket_id: str) -> tuple[str, dict]:
    """The link in the SMS notify composed for the reporter (its body is recorded at once;
    the send itself may wait for the morning: quiet hours 21:00–08:00 for the public)."""
    row = wait_until(lambda: (rows := query(
        stack, "SELECT body, recipient, status, deferred_until FROM notify.notifications WHERE "
               "source_event_type = 'ticketing.follow_up.requested.v1' AND subject = $1", ticket_id))
        and rows[0], timeout=60, message="the follow-up SMS")
    link = re.search(r"https?://\S+/f/beijing/[A-Za-z0-9_-]+", row["body"]).group(0)
    return link, row


def _path(link: str) -> str:
    return "/f/" + link.split("/f/", 1)[1]


def _quiet_now() -> bool:
    local = datetime.now(SHANGHAI).time()
    return local >= time(21) or local < time(8)


def test_the_reporter_answers_through_the_sms_link(stack, gateway):
    ticket = resolved_ticket(gateway, "居住证打印机卡纸")
    link, row = link_of(stack, ticket["id"])
    assert row["recipient"] == "13800000091"
    assert row["body"].startswith("您报告的“居住证打印机卡纸”（工单")
    assert "已处理完毕，请对本次服务评分" in row["body"]
    if _quiet_now():  # held for the morning, never dropped: the sender marks it when it picks it up
        wait_until(lambda: query(stack, "SELECT deferred_until FROM notify.notifications WHERE "
                                        "source_event_type = 'ticketing.follow_up.requested.v1' "
                                        "AND subject = $1", ticket["id"])[0]["deferred_until"],
                   timeout=60, message="the follow-up SMS held for the morning")
    else:
        sms = wait_until(lambda: [m for m in httpx.get(f"{stack.url('sms-sink')}/messages",
                                                       params={"phone": "13800000091"}).json()["items"]
                                  if link in m["content"]], timeout=60, message="the SMS at the sink")
        assert sms[0]["sign_name"] and sms[0]["content"].startswith("您报告的“居住证打印机卡纸”")
    # the history shows that a link went out, never one the desk could answer for the reporter
    history = gateway.get("/api/notify/notifications", headers=MANAGER, params={
        "source_event_type": "ticketing.follow_up.requested.v1", "subject": ticket["id"]}).json()["items"]
    token = link.rsplit("/", 1)[1]
    assert history and all(token not in n["body"] and "/f/beijing/••••••" in n["body"] for n in history)
    path = _path(link)
    page = gateway.get(path, headers=HTML)
    assert page.status_code == 200 and "服务回访" in page.text and ticket["number"] in page.text
    assert page.headers["content-security-policy"].startswith("default-src 'none'")
    assert 'name="score" value="5"' in page.text and f'action="{path}"' in page.text
    # a form post without a score is shown the form again, nothing recorded
    form = {**HTML, "Content-Type": "application/x-www-form-urlencoded"}
    empty = gateway.post(path, content=b"comment=", headers=form)
    assert empty.status_code == 422 and "请选择 1 到 5 分" in empty.text
    r = gateway.post(path, content="score=5&comment=处理及时，态度很好".encode(),
                     headers={**HTML, "Content-Type": "application/x-www-form-urlencoded; charset=UTF-8"})
    assert r.status_code == 200 and "感谢您的评价" in r.text and "处理及时" in r.text, r.text
    again = gateway.post(path, json={"score": 1, "comment": "改主意了"})
    assert again.status_code == 200 and again.json()["recorded"] is False and again.json()["score"] == 5
    assert "您已提交过评价" in gateway.get(path, headers=HTML).text
    listed = gateway.get("/api/ticketing/follow-ups", headers=MANAGER, params={"state": "answered"}).json()
    mine = next(f for f in listed["items"] if f["ticket_id"] == ticket["id"])
    assert (mine["score"], mine["answered_via"], mine["channel"], mine["mobile"]) == \
        (5, "link", "sms", "13800000091")
    masked = gateway.get("/api/ticketing/follow-ups", headers=auth("beijing", "client_admin"),
                         params={"state": "answered"}).json()
    assert next(f for f in masked["items"] if f["ticket_id"] == ticket["id"])["mobile"] == "138****0091"


def test_wrong_and_expired_links_say_so(stack, gateway):
    wrong = gateway.get("/f/beijing/" + "A" * 22)
    assert wrong.status_code == 404 and wrong.headers["content-type"].startswith("application/problem+json")
    assert gateway.get("/f/beijing/" + "A" * 22, headers=HTML).text.count("链接无效") >= 1
    assert gateway.get("/f/nowhere/" + "A" * 22).status_code == 404
    assert gateway.get("/f/beijing/short").status_code == 422
    ticket = resolved_ticket(gateway, "终端无法登录", mobile="13800000092")
    link, _ = link_of(stack, ticket["id"])
    query(stack, "UPDATE ticketing.follow_ups SET link_expires_at = now() - interval '1 minute' "
                 "WHERE ticket_id = $1::uuid", ticket["id"])
    expired = gateway.post(_path(link), json={"score": 4})
    assert expired.status_code == 410 and "expired" in expired.json()["detail"]
    assert "链接已过期" in gateway.get(_path(link), headers=HTML).text
    assert query(stack, "SELECT answered_at FROM ticketing.follow_ups WHERE ticket_id = $1::uuid",
                 ticket["id"])[0]["answered_at"] is None
    listed = gateway.get("/api/ticketing/follow-ups", headers=MANAGER, params={"state": "expired"}).json()
    assert ticket["id"] in {f["ticket_id"] for f in listed["items"]}


def test_a_low_score_opens_a_complaint_and_tells_the_manager(stack, gateway):
    ticket = resolved_ticket(gateway, "网络时断时续", mobile="13800000093")
    link, _ = link_of(stack, ticket["id"])
    r = gateway.post(_path(link), json={"score": 1, "comment": "两天才处理好"})
    assert r.status_code == 200 and r.json()["recorded"] is True, r.text
    row = query(stack, "SELECT complaint_ticket_id FROM ticketing.follow_ups WHERE ticket_id = $1::uuid",
                ticket["id"])[0]
    complaint = gateway.get(f"{TICKETS}/{row['complaint_ticket_id']}", headers=MANAGER).json()
    assert complaint["title"] == f"回访不满意：{ticket['number']}（1分）"
    assert complaint["channel"] == "follow_up" and "两天才处理好" in complaint["description"]
    told = wait_until(lambda: query(stack, "SELECT body FROM notify.notifications WHERE "
                                           "source_event_type = 'ticketing.follow_up.answered.v1' AND "
                                           "subject = $1 AND contact = 'vendor-manager'", ticket["id"]),
                      message="the manager told of the low score")
    assert told[0]["body"] == f"工单{ticket['number']}回访评分1分，意见：两天才处理好。"


def test_a_phone_follow_up_is_recorded_by_the_engineer(stack, gateway):
    ticket = resolved_ticket(gateway, "身份证阅读器无响应", mobile=None)
    listed = gateway.get("/api/ticketing/follow-ups", headers=ENGINEER, params={"state": "open"}).json()
    mine = next(f for f in listed["items"] if f["ticket_id"] == ticket["id"])
    assert (mine["channel"], mine["mobile"], mine["reporter"]) == ("phone", None, "王警官")
    r = gateway.post(f"{TICKETS}/{ticket['id']}/follow-up", headers=ENGINEER, json={"score": 4})
    assert r.status_code == 200 and r.json()["answered_via"] == "phone", r.text
    assert r.json()["recorded_by"]
    again = gateway.post(f"{TICKETS}/{ticket['id']}/follow-up", headers=ENGINEER, json={"score": 5})
    assert again.status_code == 409 and "first answer counts" in again.json()["detail"]
    bad = gateway.post(f"{TICKETS}/{ticket['id']}/follow-up", headers=ENGINEER, json={"score": 6})
    assert bad.status_code == 422
    client = gateway.post(f"{TICKETS}/{ticket['id']}/follow-up", headers=auth("beijing", "client_admin"),
                          json={"score": 5})
    assert client.status_code == 403
    # a tenant whose contract asks for no follow-ups makes none
    r = gateway.post(TICKETS, headers=auth("xinxiang", "vendor_engineer"), json={
        "system": "police-platform", "title": "无需回访", "reporter": "赵警官",
        "reporter_mobile": "13800000094"})
    other = r.json()
    gateway.post(f"{TICKETS}/{other['id']}/transitions", headers=auth("xinxiang", "vendor_engineer"),
                 json={"to": "resolved"})
    assert not query(stack, "SELECT 1 FROM ticketing.follow_ups WHERE ticket_id = $1::uuid", other["id"])
    bad_mobile = gateway.post(TICKETS, headers=ENGINEER, json={
        "system": _systems(gateway)[0], "title": "x", "reporter_mobile": "12345"})
    assert bad_mobile.status_code == 422 and "reporter_mobile" in bad_mobile.text


def test_the_monthly_report_counts_follow_ups_and_satisfaction(gateway):
    month = datetime.now(SHANGHAI).strftime("%Y-%m")
    r = gateway.get("/api/ticketing/reports/monthly", headers=MANAGER, params={"period": month})
    assert r.status_code == 200, r.text
    report = r.json()
    section = next(s for s in report["sections"] if s["heading"].endswith("服务回访与满意度"))
    numbers = report["numbers"]
    assert numbers["follow_ups"] >= 4 and numbers["follow_ups_answered"] >= 3
    assert numbers["complaints"] >= 1
    assert section["paragraphs"][0].startswith(f"本期解决的工单应回访{numbers['follow_ups']}件")
    assert numbers["follow_up_rate"].endswith("%") and numbers["satisfaction_average"] != "—"
    distribution = next(t for t in section["tables"] if t["caption"].endswith("满意度评分分布"))
    assert [row[0] for row in distribution["rows"]][0] == "5分（非常满意）"
    assert any(t["caption"].endswith("不满意回访及处理") for t in section["tables"])
