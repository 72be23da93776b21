"""Notify on the real stack: routing to whoever inventory has on duty, escalation and
acknowledgement, Alibaba/Tencent through the sink (which checks their signatures),
failover, a lost answer not sent twice, email over a real SMTP server with fallback to
SMS, template versions, frequency limits and the SMS quota."""

import json
import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from opspact import hooksig
from opspact.testing.mailbox import notify_mailing_to
from opspact.testing.notify_slices import notify_slice, use_providers
from opspact.testing.plugin import auth, wait_until
from opspact.testing.probes import query

ADMIN = "platform_admin"


def ticket(gateway, tenant: str, system: str, priority: str = "p1") -> dict:
    r = gateway.post("/api/ticketing/tickets", headers=auth(tenant, "vendor_engineer"), json={
        "system": system, "title": f"测试故障{uuid.uuid4().hex[:4]}", "kind": "incident",
        "channel": "hotline", "priority": priority})
    assert r.status_code == 201, r.text
    return r.json()


def notes_for(stack, subject: str, *statuses: str) -> list:
    sql = "SELECT * FROM notify.notifications WHERE subject = $1"
    return query(stack, sql + (" AND status = ANY($2::text[])" if statuses else "") + " ORDER BY created_at",
                 subject, *([list(statuses)] if statuses else []))


def sent_for(stack, subject: str, count: int = 1, timeout: float = 30) -> list:
    """The subject's messages once `count` are sent (or already reported delivered)."""
    def sent():
        rows = notes_for(stack, subject, "sent", "delivered")
        return len(rows) >= count and rows
    try:
        return wait_until(sent, timeout=timeout)
    except AssertionError:
        seen = [(n["channel"], n["recipient"], n["status"], n["reason"], n["last_error"])
                for n in notes_for(stack, subject)]
        raise AssertionError(f"{count} sent for {subject} expected; notify has {seen}") from None


def sink(stack, **params) -> list[dict]:
    return httpx.get(f"{stack.url('sms-sink')}/messages", params=params).json()["items"]


def test_the_engineer_on_duty_is_paged_and_roster_changes_reach_notify(stack, gateway):
    manager = auth("xinxiang", "vendor_manager")
    r = gateway.post("/api/inventory/staff", headers=manager, json={
        "code": "engineer-a", "name": "驻场工程师甲", "role": "驻场工程师", "post": "onsite"})
    assert r.status_code in (201, 409), r.text
    now = datetime.now(UTC)
    r = gateway.post("/api/inventory/roster/shifts", headers=manager, json={"shifts": [{
        "post": "onsite", "staff": "engineer-a", "starts_at": (now - timedelta(hours=1)).isoformat(),
        "ends_at": (now + timedelta(hours=2)).isoformat()}]})
    assert r.status_code == 201, r.text
    shift_id = r.json()[0]["id"]
    duty = wait_until(lambda: gateway.get("/api/notify/duty", headers=manager).json(),
                      message="notify to learn the roster")
    assert [(d["staff"], d["reachable_by"]) for d in duty] == [("engineer-a", ["sms"])]

    paged = ticket(gateway, "xinxiang", "police-platform")
    note = sent_for(stack, paged["id"])[0]
    assert (note["recipient"], note["audience"], note["contact"]) == ("13800000032", "on_duty", "engineer-a")
    assert [m["phone"] for m in sink(stack, message_id=str(note["id"]))] == ["13800000032"]
    assert len(notes_for(stack, paged["id"])) == 1  # not the duty phone as well

    assert gateway.delete(f"/api/inventory/roster/shifts/{shift_id}", headers=manager).status_code == 204
    wait_until(lambda: gateway.get("/api/notify/duty", headers=manager).json() == [],
               message="the removed shift to leave notify's roster")
    nobody = ticket(gateway, "xinxiang", "police-platform")
    note = sent_for(stack, nobody["id"])[0]
    assert (note["recipient"], note["contact"]) == ("13800000002", "duty-phone")


def _fast_forward(stack, event_id: str) -> None:
    query(stack, "UPDATE notify.escalation_due SET due_at = now() - interval '1 second' "
                 "WHERE source_event_id = $1", event_id)


def test_unacknowledged_p1_climbs_to_the_manager_and_acknowledged_ones_do_not(stack, gateway):
    ignored = ticket(gateway, "zhuhai", "smart-station")
    first = sent_for(stack, ignored["id"])[0]
    assert first["recipient"] == "13800000003" and first["level"] == 0
    escalation = query(stack, "SELECT state, next_level FROM notify.escalations WHERE source_event_id = $1",
                       first["source_event_id"])
    assert [tuple(e) for e in escalation] == [("waiting", 1)]
    _fast_forward(stack, first["source_event_id"])
    rows = wait_until(lambda: [n for n in notes_for(stack, ignored["id"]) if n["level"] == 1
                               and n["status"] != "queued"], message="the escalation")
    # SMS first; the manager's email is only the fallback should the SMS fail for good
    assert [(n["channel"], n["recipient"], n["status"], json.loads(n["fallback"])) for n in rows] == [
        ("sms", "13800000013", "sent", ["email"])]
    assert query(stack, "SELECT state FROM notify.escalations WHERE source_event_id = $1",
                 first["source_event_id"])[0]["state"] == "exhausted"

    # taken up in ticketing: the status change acknowledges the escalation
    taken = ticket(gateway, "zhuhai", "smart-station")
    taken_note = sent_for(stack, taken["id"])[0]
    r = gateway.post(f"/api/ticketing/tickets/{taken['id']}/transitions",
                     headers=auth("zhuhai", "vendor_engineer"), json={"to": "acknowledged"})
    assert r.status_code == 200, r.text
    wait_until(lambda: query(stack, "SELECT state FROM notify.escalations WHERE source_event_id = $1",
                             taken_note["source_event_id"])[0]["state"] == "acknowledged")
    # acknowledged by a person on the message itself
    answered = ticket(gateway, "zhuhai", "smart-station")
    answered_note = sent_for(stack, answered["id"])[0]
    path = f"/api/notify/notifications/{answered_note['id']}/acknowledge"
    r = gateway.post(path, headers=auth("zhuhai", "vendor_engineer"), json={})
    assert r.status_code == 200 and r.json()["escalations_stopped"] == 1, r.text
    again = gateway.post(path, headers=auth("zhuhai", "vendor_engineer"), json={})
    assert again.status_code == 200 and again.json()["escalations_stopped"] == 0
    assert again.json()["acknowledged_at"] == r.json()["acknowledged_at"]
    for note in (taken_note, answered_note):
        _fast_forward(stack, note["source_event_id"])
    later = ticket(gateway, "zhuhai", "smart-station")  # a later event proves the watch has looked
    later_note = sent_for(stack, later["id"])[0]
    _fast_forward(stack, later_note["source_event_id"])
    wait_until(lambda: any(n["level"] == 1 for n in notes_for(stack, later["id"])))
    assert all(n["level"] == 0 for n in notes_for(stack, taken["id"]) + notes_for(stack, answered["id"]))


def test_alibaba_down_fails_over_to_tencent_and_a_lost_answer_is_not_sent_twice(stack, gateway):
    with notify_slice(gateway, "wuqia", use_providers):
        httpx.post(f"{stack.url('sms-sink')}/faults", json={"provider": "alibaba", "mode": "down"})
        over = ticket(gateway, "wuqia", "data-pool")
        note = sent_for(stack, over["id"])[0]
        assert note["provider"] == "tencent" and note["provider_message_id"].startswith("2433:")
        received = sink(stack, message_id=str(note["id"]))
        assert [(m["provider"], m["content"]) for m in received] == [("tencent", note["body"])]

        httpx.post(f"{stack.url('sms-sink')}/faults", json={"provider": "alibaba", "mode": "timeout",
                                                             "delay": 4})
        # reports about nothing of ours, more than the watch takes in one round: they must
        # not keep a real one waiting behind them (they did: the fuzzer leaves hundreds)
        junk = [alibaba_report(f"junk-{uuid.uuid4().hex}", uuid.uuid4().hex) for _ in range(250)]
        assert push(gateway, "alibaba", junk).json()["pending"] == 250
        lost = ticket(gateway, "wuqia", "data-pool")
        waiting = wait_until(lambda: [n for n in notes_for(stack, lost["id"], "queued")
                                      if n["outcome_unknown_since"]], timeout=20)[0]
        # Its delivery report comes before notify knows the send went through: kept, pending.
        taken = wait_until(lambda: sink(stack, message_id=str(waiting["id"])))[0]
        early = push(gateway, "alibaba", [alibaba_report(taken["biz_id"], str(waiting["id"]))])
        assert early.status_code == 200 and early.json()["code"] == 0, early.text
        assert early.json()["pending"] == 1
        note = sent_for(stack, lost["id"], timeout=60)[0]
        # Alibaba took it but its answer never came: notify asked (QuerySendDetails) instead
        # of sending again, so the phone got it once.
        assert note["provider"] == "alibaba" and note["attempts"] >= 2
        received = sink(stack, message_id=str(note["id"]))
        assert [(m["provider"], m["phone"]) for m in received] == [("alibaba", "13800000005")]
        assert received[0]["content"] == note["body"]
        # once settled, the early report applies (matched by the OutId we gave)
        wait_until(lambda: notes_for(stack, lost["id"], "delivered"), message="the early report")


def push(gateway, provider: str, reports, tenant: str = "wuqia", token: str | None = None):
    """A provider's report push to the gateway's callback door."""
    secret = hooksig.dev_secret(tenant, f"sms-{provider}") if token is None else token
    return gateway.post(f"/callbacks/{tenant}/sms/{provider}", params={"token": secret}, json=reports)


def alibaba_report(biz_id: str, out_id: str | None = None, success: bool = True,
                   code: str = "DELIVERED", at: str = "2026-11-22 09:30:05") -> dict:
    return {"phone_number": "13800000005", "send_time": "2026-11-22 09:30:00", "report_time": at,
            "success": success, "err_code": code, "err_msg": "用户接收成功" if success else "失败",
            "sms_size": "1", "biz_id": biz_id, "out_id": out_id}


def tencent_report(sid: str, status: str = "SUCCESS", code: str = "DELIVRD") -> dict:
    return {"user_receive_time": "2026-11-22 09:31:00", "nationcode": "86", "mobile": "13800000005",
            "report_status": status, "errmsg": code, "description": "用户短信送达成功", "sid": sid}


def test_delivery_reports_pushed_by_alibaba_and_tencent(stack, gateway):
    with notify_slice(gateway, "wuqia", use_providers):
        by_alibaba = sent_for(stack, ticket(gateway, "wuqia", "data-pool")["id"])[0]
        httpx.post(f"{stack.url('sms-sink')}/faults", json={"provider": "alibaba", "mode": "down"})
        by_tencent = sent_for(stack, ticket(gateway, "wuqia", "data-pool")["id"])[0]
    assert (by_alibaba["provider"], by_tencent["provider"]) == ("alibaba", "tencent")
    biz_id, serial = by_alibaba["provider_message_id"], by_tencent["provider_message_id"]

    # delivered, pushed twice (the provider missed our answer), then an older failure
    # report arriving late, and a report about a message that is not ours
    r = push(gateway, "alibaba", [alibaba_report(biz_id), alibaba_report(biz_id),
                                  alibaba_report("no-such-biz-id")])
    assert r.status_code == 200, r.text
    assert {k: r.json()[k] for k in ("code", "recorded", "duplicates", "applied", "pending")} == {
        "code": 0, "recorded": 2, "duplicates": 1, "applied": 1, "pending": 1}
    late = push(gateway, "alibaba", [alibaba_report(biz_id, success=False, code="MK:0001",
                                                    at="2026-11-22 09:30:01")])
    assert late.json()["ignored"] == 1
    row = query(stack, "SELECT status, delivered_at FROM notify.notifications WHERE id = $1",
                by_alibaba["id"])[0]
    assert row["status"] == "delivered"
    assert row["delivered_at"] == datetime(2026, 11, 22, 1, 30, 5, tzinfo=UTC)  # 09:30:05 Beijing

    # Tencent reports a failure: the message fails with the operator's code
    r = push(gateway, "tencent", [tencent_report(serial, "FAIL", "MK:0001")])
    assert r.status_code == 200 and r.json()["result"] == 0 and r.json()["applied"] == 1, r.text
    failed = query(stack, "SELECT status, reason FROM notify.notifications WHERE id = $1",
                   by_tencent["id"])[0]
    assert failed["status"] == "failed" and failed["reason"].startswith("not delivered (MK:0001)")
    states = query(stack, "SELECT provider_message_id, state, note FROM notify.delivery_receipts "
                          "WHERE tenant_id = 'wuqia' AND provider_message_id = ANY($1::text[])",
                   [biz_id, serial, "no-such-biz-id"])
    assert sorted((s["provider_message_id"] == biz_id, s["state"]) for s in states) == [
        (False, "applied"), (False, "pending"), (True, "applied"), (True, "ignored")]

    # the door: a token, the provider's format, a known tenant
    assert push(gateway, "alibaba", [], token="").status_code == 401
    wrong = push(gateway, "tencent", [], token=hooksig.dev_secret("wuqia", "sms-alibaba"))
    assert wrong.status_code == 401 and "token" in wrong.json()["detail"]
    assert push(gateway, "alibaba", [], tenant="nowhere").status_code == 404
    assert push(gateway, "unicom", []).status_code == 422
    bad = push(gateway, "alibaba", [{**alibaba_report(biz_id), "success": "yes"}])
    assert bad.status_code == 422 and bad.headers["content-type"] == "application/problem+json"
    assert "success" in bad.text
    assert push(gateway, "tencent", {"sid": serial}).status_code == 422


def test_reconciliation_asks_the_provider_about_unreported_messages(stack, gateway):
    def with_fallback(settings):
        use_providers(settings)
        for rule in settings["rules"]:
            if rule["name"] == "一般工单":  # urgent: past quiet hours and frequency limits
                rule["urgent"] = True
                rule["levels"] = [{"to": ["contact:vendor-manager"], "channels": ["sms", "email"]}]
    with notify_slice(gateway, "wuqia", with_fallback):
        reached = sent_for(stack, ticket(gateway, "wuqia", "data-pool", "p3")["id"])[0]
        httpx.post(f"{stack.url('sms-sink')}/faults", json={"provider": "alibaba",
                                                             "mode": "undeliverable"})
        lost = ticket(gateway, "wuqia", "data-pool", "p3")
        unreached = sent_for(stack, lost["id"])[0]
        # no report pushed for either: once they are older than the wait, the watch asks
        query(stack, "UPDATE notify.notifications SET sent_at = sent_at - interval '1 hour' "
                     "WHERE id = ANY($1::uuid[])", [reached["id"], unreached["id"]])
        wait_until(lambda: notes_for(stack, reached["subject"], "delivered"), message="reconciled")
        failed = wait_until(lambda: notes_for(stack, lost["id"], "failed"))[0]
        assert failed["reason"].startswith("not delivered (MK:0001)") and failed["receipt_checked_at"]
        email = [n for n in notes_for(stack, lost["id"]) if n["channel"] == "email"]
        assert [n["recipient"] for n in email] == ["pm-5@example.com"]
        # why it was queued stays first, whether or not the e-mail has failed since (this
        # stack has no SMTP: "…; then no email channel is configured")
        assert email[0]["reason"].startswith("fallback after sms failed: not delivered")


def test_an_unapproved_template_fails_and_the_dead_letter_is_replayed(stack, gateway):
    def wrong_code(settings):
        use_providers(settings, {"alibaba": "SMS_1", "tencent": "1"})
    with notify_slice(gateway, "wuqia", wrong_code):
        refused = ticket(gateway, "wuqia", "data-pool")
        note = wait_until(lambda: notes_for(stack, refused["id"], "failed"))[0]
        assert note["reason"].startswith("template_not_approved (isv.SMS_TEMPLATE_ILLEGAL)")
        assert sink(stack, message_id=str(note["id"])) == []
    # the tenant file is back on the local sink: the dead letter can go now
    manager = auth("wuqia", "vendor_manager")
    other = sent_for(stack, ticket(gateway, "wuqia", "data-pool")["id"])[0]
    r = gateway.post("/api/notify/notifications/replay", headers=manager,
                     json={"ids": [str(note["id"]), str(other["id"]), str(uuid.uuid4())]})
    assert r.status_code == 200, r.text
    assert r.json()["requeued"] == [str(note["id"])]
    assert set(r.json()["skipped"].values()) == {"not found", "is sent; only failed messages are replayed"}
    replayed = sent_for(stack, refused["id"])[0]
    assert replayed["provider"] == "local_sink" and replayed["reason"].startswith("replayed by")
    assert len(sink(stack, message_id=str(note["id"]))) == 1
    assert gateway.post("/api/notify/notifications/replay", headers=auth("wuqia", "vendor_engineer"),
                        json={"ids": [str(note["id"])]}).status_code == 403


def test_opspact_notify_replay_requeues_the_dead_letters(stack, gateway, monkeypatch, capsys):
    from opspact.cli.main import main as cli
    monkeypatch.setenv("OPSPACT_URL", stack.url("gateway"))
    monkeypatch.delenv("OPSPACT_TOKEN", raising=False)
    since = datetime.now(UTC).isoformat()

    def wrong_code(settings):
        use_providers(settings, {"alibaba": "SMS_1", "tencent": "1"})
    with notify_slice(gateway, "wuqia", wrong_code):
        dead = [ticket(gateway, "wuqia", "data-pool")["id"] for _ in range(2)]
        for subject in dead:
            wait_until(lambda subject=subject: notes_for(stack, subject, "failed"))
    assert cli(["notify", "replay", "--tenant", "wuqia", "--since", since, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "2 message(s) would be requeued" in out and "template_not_approved" in out
    assert all(notes_for(stack, subject, "failed") for subject in dead)  # the dry run sent nothing

    assert cli(["notify", "replay", "--tenant", "wuqia", "--since", since, "--channel", "sms"]) == 0
    assert "requeued 2 message(s), skipped 0" in capsys.readouterr().out
    for subject in dead:
        assert sent_for(stack, subject)[0]["provider"] == "local_sink"
    assert cli(["notify", "replay", "--tenant", "wuqia", "--since", since]) == 0
    assert "no failed messages to replay" in capsys.readouterr().out
    assert cli(["notify", "replay", "--tenant", "wuqia", "--since", "yesterday"]) == 1
    assert cli(["notify", "replay", "--tenant", "wuqia", str(uuid.uuid4()), "--rule", "x"]) == 1


def test_frequency_limit_and_quota(stack, gateway):
    def calm(settings):
        settings["frequency"] = {"per_minute": 1, "per_hour": 5, "per_day": 10}
        settings["contacts"].append({"code": "quota-phone", "name": "测试手机", "mobile": "13800000095"})
        for rule in settings["rules"]:
            if rule["name"] == "一般工单":
                rule["levels"] = [{"to": ["contact:quota-phone"], "channels": ["sms"]}]
    with notify_slice(gateway, "wuqia", calm):
        pair = [ticket(gateway, "wuqia", "data-pool", "p3")["id"] for _ in range(2)]
        # (the two events travel on different partitions: either may come first)

        def settled():
            both = notes_for(stack, pair[0]) + notes_for(stack, pair[1])
            rows = [n for n in both if n["status"] != "queued"]
            return len(rows) == 2 and sorted((n["status"], n["reason"] or "") for n in rows)
        done = wait_until(settled)
        assert [status for status, _ in done] == ["sent", "suppressed"]
        assert done[1][1] == "frequency limit: 1 sent to this recipient in the last minute (limit 1)"

    used = gateway.get("/api/notify/quota", headers=auth("wuqia", "vendor_manager")).json()["segments"]
    assert used >= 1

    def tight(settings):
        settings["sms"].update(quota_per_year=used + 1, after_quota="urgent_only")
        settings["frequency"] = {"per_minute": 1000, "per_hour": 10000, "per_day": 100000}
    with notify_slice(gateway, "wuqia", tight):
        urgent = ticket(gateway, "wuqia", "data-pool", "p1")  # reaches the quota
        sent_for(stack, urgent["id"])
        quota = gateway.get("/api/notify/quota", headers=auth("wuqia", "vendor_manager")).json()
        assert quota["segments"] >= used + 1 and quota["percent"] >= 100.0 and quota["reached_at"]
        routine = ticket(gateway, "wuqia", "data-pool", "p3")
        note = wait_until(lambda: notes_for(stack, routine["id"], "suppressed"))[0]
        assert "SMS quota used up" in note["reason"] and "urgent_only" in note["reason"]
        events = query(stack, "SELECT event_type FROM notify.outbox WHERE tenant_id = 'wuqia' "
                              "AND event_type LIKE 'notify.quota.%' ORDER BY event_type")
        assert [e["event_type"] for e in events] == ["notify.quota.reached.v1", "notify.quota.warning.v1"]


@pytest.fixture
def smtp(stack):
    with notify_mailing_to(stack, refuse={"gone@example.com"}) as box:
        yield box


def test_email_over_smtp_and_fallback_to_sms(stack, gateway, smtp):
    def by_email(settings):
        settings["contacts"].append({"code": "mail-gone", "name": "离职邮箱", "email": "gone@example.com",
                                     "mobile": "13800000096"})
        for rule in settings["rules"]:
            if rule["name"] == "一般工单":
                rule["levels"] = [{"to": ["contact:vendor-manager", "contact:mail-gone"],
                                   "channels": ["email", "sms"]}]
        settings["frequency"] = {"per_minute": 1000, "per_hour": 10000, "per_day": 100000}
        for contact in settings["contacts"]:
            contact.pop("quiet_hours", None)  # whatever the hour the suite runs at
    with notify_slice(gateway, "zhuhai", by_email):
        routine = ticket(gateway, "zhuhai", "smart-station", "p3")
        sent = sent_for(stack, routine["id"], count=2)
        channels = sorted((n["contact"], n["channel"], n["recipient"]) for n in sent)
        assert channels == [("mail-gone", "sms", "13800000096"),
                            ("vendor-manager", "email", "pm-3@example.com")]
        failed = notes_for(stack, routine["id"], "failed")
        assert [(n["channel"], n["recipient"]) for n in failed] == [("email", "gone@example.com")]
        assert failed[0]["reason"].startswith("invalid_recipient")
        # the mailbox is shared: billing's milestone watch mails the same manager meanwhile
        mail = wait_until(lambda: [m for m in smtp.messages if routine["number"] in m.get_content()])[0]
        assert mail["To"] == "pm-3@example.com" and mail["Subject"] == "【运维服务台】新工单"
        assert routine["number"] in mail.get_content() and "请及时响应" in mail.get_content()


def test_template_versions_preview_and_segment_limit(stack, gateway):
    manager = auth("beijing", "vendor_manager")
    preview = gateway.post("/api/notify/templates/ticket_created/preview", headers=manager, json={})
    assert preview.status_code == 200, preview.text
    body = preview.json()
    assert body["segments"] == 1 and body["length"] == len(body["sms_text"])
    assert body["provider_templates"]["alibaba"].startswith("${kind}${number}（${priority}）")
    fields = [{"name": n, "expression": e} for n, e in [
        ("number", "{{ number }}"), ("title", "{{ title }}"), ("time", "{{ created_at | local_time }}")]]
    too_long = gateway.put("/api/notify/templates/ticket_created", headers=manager,
                           json={"fields": fields, "text": "居住证系统" * 50 + "{{ number }}"})
    assert too_long.status_code == 422 and "over this tenant's limit of 3" in too_long.json()["detail"]
    broken = gateway.put("/api/notify/templates/ticket_created", headers=manager,
                         json={"fields": fields, "text": "{{ nope }}"})
    assert broken.status_code == 422 and "'nope' is undefined" in broken.json()["detail"]
    saved = gateway.put("/api/notify/templates/ticket_created", headers=manager, json={
        "fields": fields, "text": "居住证系统工单{{ number }}：{{ title }}（{{ time }}），请响应。",
        "note": "客户要求更短", "expected_version": 0})
    assert saved.status_code == 201 and saved.json()["version"] == 1, saved.text
    stale = gateway.put("/api/notify/templates/ticket_created", headers=manager, json={
        "fields": fields, "text": "{{ number }}", "expected_version": 0})
    assert stale.status_code == 409
    versions = gateway.get("/api/notify/templates/ticket_created", headers=manager).json()
    assert [v["version"] for v in versions] == [0, 1]
    assert gateway.get("/api/notify/templates/no-such", headers=manager).status_code == 404

    fresh = ticket(gateway, "beijing", "residence-permit")
    note = sent_for(stack, fresh["id"])[0]
    assert note["template_version"] == 1
    assert note["body"].startswith(f"居住证系统工单{fresh['number']}：{fresh['title']}（")
    listed = gateway.get("/api/notify/notifications", headers=manager,
                         params={"subject": fresh["id"], "status": "sent"}).json()
    assert listed["total"] == 1 and listed["items"][0]["segments"] == 1


def test_beijing_counts_sms_against_an_estimate_not_a_cap(gateway):
    # "预计每年360万条短信" estimates the permit-processing SMS: fault alerts are never throttled
    quota = gateway.get("/api/notify/quota", headers=auth("beijing", "vendor_manager")).json()
    assert quota["quota"] is None and quota["percent"] is None and quota["after_quota"] == "carry_on"
    assert quota["estimated_per_year"] == 3_600_000 and "预计每年 360 万条" in quota["estimate_clause"]
    assert quota["segments"] >= 0
