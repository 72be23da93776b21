"""Change requests through the gateway: xinjiang's two approvals in order, by the
people its tenant file names, never by the submitter, never twice by one person."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from opspact.calendar import SHANGHAI
from opspact.cli.common import dev_token
from opspact.testing.plugin import auth
from opspact.testing.probes import query

API = "/api/ticketing/changes"


def person(subject: str, *roles: str, tenant: str = "xinjiang") -> dict[str, str]:
    return {"Authorization": f"Bearer {dev_token([tenant], list(roles), subject)}"}


ENGINEER = person("xj-engineer", "vendor_engineer")
SYSADMIN = person("xj-sysadmin", "client_admin")
IT_LEAD = person("xj-it-lead", "client_admin")


def change_body(**overrides) -> dict:
    now = datetime.now(SHANGHAI)
    return {"kind": "business_config", "risk": "medium", "system": "12123-fees",
            "title": "调整12123缴费对账时间", "plan": "修改对账任务调度为每日02:00",
            "rollback_plan": "恢复原调度配置并重启任务",
            "window_start": (now - timedelta(minutes=5)).isoformat(),
            "window_end": (now + timedelta(hours=2)).isoformat(), **overrides}


def submit(gateway, headers=ENGINEER, **overrides) -> dict:
    r = gateway.post(API, headers=headers, json=change_body(**overrides))
    assert r.status_code == 201, r.text
    return r.json()


def decide(gateway, change: dict, headers, decision="approve", reason=None):
    return gateway.post(f"{API}/{change['id']}/decisions", headers=headers,
                        json={"decision": decision, **({"reason": reason} if reason else {})})


def events_of(stack, change_id: str) -> list[str]:
    rows = query(stack, "SELECT event_type FROM ticketing.outbox WHERE payload->>'subject' = $1 "
                        "ORDER BY seq", change_id)
    return [r["event_type"].split(".")[2] for r in rows]


def test_two_approvals_in_order_then_implementation(stack, gateway):
    change = submit(gateway)
    assert change["status"] == "submitted" and change["waiting_for"] == "系统专管员"
    assert [s["name"] for s in change["steps"]] == ["系统专管员", "科技信息化工作负责人"]
    early = gateway.post(f"{API}/{change['id']}/start", headers=ENGINEER)
    assert early.status_code == 409 and "only an approved change" in early.json()["detail"]

    out_of_order = decide(gateway, change, IT_LEAD)
    assert out_of_order.status_code == 409 and "waits for 系统专管员 first" in out_of_order.json()["detail"]
    first = decide(gateway, change, SYSADMIN)
    assert first.status_code == 200, first.text
    assert first.json()["status"] == "submitted" and first.json()["waiting_for"] == "科技信息化工作负责人"
    twice = decide(gateway, change, SYSADMIN)
    assert twice.status_code == 403 and "different person" in twice.json()["detail"]
    second = decide(gateway, change, IT_LEAD)
    assert second.json()["status"] == "approved" and second.json()["waiting_for"] is None
    assert [s["by"] for s in second.json()["steps"]] == ["xj-sysadmin", "xj-it-lead"]

    started = gateway.post(f"{API}/{change['id']}/start", headers=ENGINEER)
    assert started.status_code == 200 and started.json()["status"] == "in_progress"
    done = gateway.post(f"{API}/{change['id']}/result", headers=ENGINEER,
                        json={"outcome": "implemented", "note": "调度已调整，次日对账正常"})
    assert done.status_code == 200 and done.json()["status"] == "implemented"
    assert events_of(stack, change["id"]) == ["submitted", "approved", "approved", "started", "implemented"]
    again = gateway.post(f"{API}/{change['id']}/result", headers=ENGINEER,
                         json={"outcome": "failed", "note": "x"})
    assert again.status_code == 409


def test_rejection_needs_a_reason_and_ends_the_chain(stack, gateway):
    change = submit(gateway, kind="data_modification", title="修正一笔重复缴费记录")
    assert decide(gateway, change, SYSADMIN, "reject").status_code == 422
    r = decide(gateway, change, SYSADMIN, "reject", "回退方案未说明数据备份")
    assert r.status_code == 200 and r.json()["status"] == "rejected"
    assert r.json()["steps"][0]["reason"] == "回退方案未说明数据备份"
    assert decide(gateway, change, IT_LEAD).status_code == 409
    assert events_of(stack, change["id"]) == ["submitted", "rejected"]


def test_nobody_approves_their_own_change_and_only_named_people_decide(gateway):
    own = submit(gateway, headers=SYSADMIN)
    r = decide(gateway, own, SYSADMIN)
    assert r.status_code == 403 and "someone else decides" in r.json()["detail"]
    stranger = decide(gateway, own, person("xj-other-admin", "client_admin"))
    assert stranger.status_code == 403 and "xj-sysadmin" in stranger.json()["detail"]
    vendor = decide(gateway, own, person("xj-manager", "vendor_manager"))
    assert vendor.status_code == 403  # changes.approve is the client's


def test_a_change_starts_only_within_its_window(gateway):
    later = datetime.now(SHANGHAI) + timedelta(days=2)
    change = submit(gateway, window_start=later.isoformat(),
                    window_end=(later + timedelta(hours=1)).isoformat())
    decide(gateway, change, SYSADMIN)
    decide(gateway, change, IT_LEAD)
    r = gateway.post(f"{API}/{change['id']}/start", headers=ENGINEER)
    assert r.status_code == 409 and "within its window" in r.json()["detail"]
    cancelled = gateway.post(f"{API}/{change['id']}/cancel", headers=ENGINEER, json={"reason": "需求撤回"})
    assert cancelled.json()["status"] == "cancelled"


def test_one_step_chain_by_default(gateway):
    body = change_body(system="police-platform", kind="upgrade", title="Tomcat 9 小版本升级")
    r = gateway.post(API, headers=person("xx-engineer", "vendor_engineer", tenant="xinxiang"), json=body)
    assert r.status_code == 201 and [s["code"] for s in r.json()["steps"]] == ["client"]
    d = gateway.post(f"{API}/{r.json()['id']}/decisions",
                     headers=person("xx-admin", "client_admin", tenant="xinxiang"),
                     json={"decision": "approve"})
    assert d.json()["status"] == "approved"


def test_listing_and_idempotent_submit(gateway):
    key = {"Idempotency-Key": f"chg-{datetime.now().timestamp()}"}
    body = change_body(title="幂等提交")  # a retry sends the same body (the window included)
    first = gateway.post(API, headers={**ENGINEER, **key}, json=body)
    again = gateway.post(API, headers={**ENGINEER, **key}, json=body)
    assert first.status_code == 201 and again.status_code == 200 and again.json()["id"] == first.json()["id"]
    page = gateway.get(API, headers=auth("xinjiang", "auditor"), params={"status": "submitted", "limit": 200})
    assert page.status_code == 200 and first.json()["id"] in [c["id"] for c in page.json()["items"]]
    assert all(c["status"] == "submitted" for c in page.json()["items"])


@pytest.mark.parametrize(("change", "needle"), [
    ({"system": "no-such-system"}, "unknown system"),
    ({"kind": "coffee"}, "kind"),
    ({"rollback_plan": "  "}, "rollback_plan"),
    ({"window_end": "2020-01-01T00:00:00+08:00"}, "window_end must be after"),
    ({"window_start": "0001-01-01T00:00:00+00:00"}, "plausible span"),
])
def test_bad_changes_are_refused(stack, gateway, change, needle):
    before = query(stack, "SELECT count(*) AS n FROM ticketing.changes")[0]["n"]
    r = gateway.post(API, headers=ENGINEER, json=change_body(**change))
    assert r.status_code == 422 and needle in r.text, r.text
    assert query(stack, "SELECT count(*) AS n FROM ticketing.changes")[0]["n"] == before
