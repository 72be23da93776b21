"""A ticket's conversation: internal notes for the desk, public comments the client reads;
edits keep the earlier text; a comment is never deleted, only redacted with a reason."""

from __future__ import annotations

import uuid

from opspact.cli.common import dev_token
from opspact.testing.plugin import auth, wait_until
from opspact.testing.probes import query
from ticketing.comments.mentions import mentioned

TICKETS = "/api/ticketing/tickets"


def person(subject: str, *roles: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {dev_token(['zhuhai'], list(roles), subject)}"}


ENGINEER = person("zh-engineer", "vendor_engineer")
MANAGER = person("zh-manager", "vendor_manager")
OFFICER = person("zh-officer", "client_admin")
VIEWER = person("zh-viewer", "client_viewer")


def new_ticket(gateway) -> dict:
    r = gateway.post(TICKETS, headers=ENGINEER, json={
        "system": "smart-station", "title": f"人像比对超时 {uuid.uuid4().hex[:6]}"})
    assert r.status_code == 201, r.text
    return r.json()


def comment(gateway, ticket, body, visibility="internal", headers=ENGINEER, expect=201):
    r = gateway.post(f"{TICKETS}/{ticket['id']}/comments", headers=headers,
                     json={"body": body, "visibility": visibility})
    assert r.status_code == expect, r.text
    return r.json()


def test_internal_notes_stay_with_the_desk(gateway):
    ticket = new_ticket(gateway)
    note = comment(gateway, ticket, "怀疑是视频云平台接口限流，已联系对方值班")
    public = comment(gateway, ticket, "已定位为接口限流，预计今日18时前恢复", "public")
    answer = comment(gateway, ticket, "收到，请恢复后通知", "public", headers=OFFICER)
    comment(gateway, ticket, "内部讨论", headers=OFFICER, expect=403)  # not the client's to write
    desk = gateway.get(f"{TICKETS}/{ticket['id']}/comments", headers=ENGINEER).json()
    assert [c["id"] for c in desk["items"]] == [note["id"], public["id"], answer["id"]]
    client = gateway.get(f"{TICKETS}/{ticket['id']}/comments", headers=VIEWER).json()
    assert [c["id"] for c in client["items"]] == [public["id"], answer["id"]] and client["total"] == 2
    only_public = gateway.get(f"{TICKETS}/{ticket['id']}/comments", headers=ENGINEER,
                              params={"visibility": "public"}).json()
    assert only_public["total"] == 2
    timeline = gateway.get(f"{TICKETS}/{ticket['id']}", headers=VIEWER).json()["timeline"]
    commented = [e["note"] for e in timeline if e["action"] == "commented"]
    assert commented == [f"评论 {note['id']}：（内部备注）", f"评论 {public['id']}：{public['body']}",
                         f"评论 {answer['id']}：{answer['body']}"]  # no internal text leaks
    hidden = gateway.put(f"{TICKETS}/{ticket['id']}/comments/{note['id']}", headers=OFFICER,
                         json={"body": "x", "version": 1})
    assert hidden.status_code == 404


def test_edits_keep_the_earlier_text_and_only_the_author_edits(gateway):
    ticket = new_ticket(gateway)
    first = comment(gateway, ticket, "重启了比对服务", "public")
    url = f"{TICKETS}/{ticket['id']}/comments/{first['id']}"
    edited = gateway.put(url, headers=ENGINEER, json={"body": "重启了比对服务（10:20）", "version": 1})
    assert edited.status_code == 200, edited.text
    assert edited.json()["version"] == 2
    assert [v["body"] for v in edited.json()["earlier"]] == ["重启了比对服务"]
    stale = gateway.put(url, headers=ENGINEER, json={"body": "再改", "version": 1})
    assert stale.status_code == 409 and "version 2" in stale.json()["detail"]
    other = gateway.put(url, headers=MANAGER, json={"body": "改别人的", "version": 2})
    assert other.status_code == 403 and "zh-engineer" in other.json()["detail"]


def test_redaction_keeps_that_something_was_said(gateway):
    ticket = new_ticket(gateway)
    leaked = comment(gateway, ticket, "数据库密码是 Pa55word（误贴）", "public")
    url = f"{TICKETS}/{ticket['id']}/comments/{leaked['id']}"
    gateway.put(url, headers=ENGINEER, json={"body": "数据库密码是 Pa55word!（误贴）", "version": 1})
    assert gateway.post(f"{url}/redact", headers=ENGINEER, json={"reason": "含口令"}).status_code == 403
    assert gateway.post(f"{url}/redact", headers=MANAGER, json={}).status_code == 422
    r = gateway.post(f"{url}/redact", headers=MANAGER, json={"reason": "含口令，已轮换"})
    assert r.status_code == 200, r.text
    redacted = r.json()
    assert redacted["redacted"] and redacted["redaction_reason"] == "含口令，已轮换"
    assert "Pa55word" not in r.text and redacted["author"] == "zh-engineer"
    assert gateway.post(f"{url}/redact", headers=MANAGER, json={"reason": "again"}).status_code == 409
    edit = gateway.put(url, headers=ENGINEER, json={"body": "x", "version": 2})
    assert edit.status_code == 409
    listed = gateway.get(f"{TICKETS}/{ticket['id']}/comments", headers=OFFICER).text
    assert "Pa55word" not in listed
    shown = gateway.get(f"{TICKETS}/{ticket['id']}", headers=OFFICER)
    assert "Pa55word" not in shown.text  # nor in the timeline's entry for the comment
    timeline = shown.json()["timeline"]
    assert any(e["action"] == "comment_redacted" and "含口令，已轮换" in e["note"] for e in timeline)
    assert f"评论 {leaked['id']}：（已删除）" in [e["note"] for e in timeline]


def test_comments_on_nothing_are_refused(gateway):
    missing = f"{TICKETS}/{uuid.uuid4()}/comments"
    assert gateway.post(missing, headers=ENGINEER, json={"body": "x"}).status_code == 404
    assert gateway.get(missing, headers=auth("zhuhai", "auditor")).status_code == 404
    ticket = new_ticket(gateway)
    for body in ({"body": ""}, {"body": "x", "visibility": "secret"}, {"body": "x", "extra": 1}):
        r = gateway.post(f"{TICKETS}/{ticket['id']}/comments", headers=ENGINEER, json=body)
        assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem+json")


def test_a_comment_number_past_the_column_is_a_422(gateway):
    ticket = new_ticket(gateway)  # the fuzzer's 405851728122967490560 was a 500
    r = gateway.post(f"{TICKETS}/{ticket['id']}/comments/405851728122967490560/redact", headers=MANAGER,
                     json={"reason": "x"})
    assert r.status_code == 422 and "comment_id" in r.text


def test_mentions_tell_the_people_named_and_edits_tell_only_the_newly_named(stack, gateway):
    assert mentioned("请@vendor-manager 和 @engineer-a 处理，抄送 ops@example.com，@engineer-a") == [
        "vendor-manager", "engineer-a"]
    ticket = new_ticket(gateway)
    said = comment(gateway, ticket, "@vendor-manager 请协调视频云平台值班；@nobody-here 也看看")

    def notes(*event_types):
        # who was told, not how: a message that failed over to another channel (this stack's
        # notify has no mail server, so the manager's mail falls back to SMS whenever its
        # sender gets to it) is the same telling, and counting it made the test racy
        return query(stack, "SELECT recipient, status, reason, body, contact FROM notify.notifications "
                            "WHERE subject = $1 AND source_event_type = ANY($2::text[]) "
                            "AND coalesce(reason, '') NOT LIKE 'fallback after%'",
                     ticket["id"], list(event_types))

    rows = wait_until(lambda: len(notes("ticketing.ticket.mentioned.v1")) >= 2
                      and notes("ticketing.ticket.mentioned.v1"), timeout=30)
    by_contact = {r["contact"]: r for r in rows}
    assert by_contact["vendor-manager"]["recipient"] == "pm-3@example.com"  # mail first
    assert "zh-engineer在工单" in by_contact["vendor-manager"]["body"]
    assert by_contact["nobody-here"]["status"] == "suppressed"  # recorded: nobody to reach
    r = gateway.put(f"{TICKETS}/{ticket['id']}/comments/{said['id']}", headers=ENGINEER, json={
        "body": said["body"] + " @engineer-a", "version": 1})
    assert r.status_code == 200, r.text
    wait_until(lambda: len(notes("ticketing.ticket.mentioned.v1")) == 3, timeout=30)
    told = sorted(r["contact"] for r in notes("ticketing.ticket.mentioned.v1"))
    assert told == ["engineer-a", "nobody-here", "vendor-manager"]  # the first two told once
