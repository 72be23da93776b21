"""Monitoring alerts through the gateway: a storm is one incident that counts, a
recovery resolves it, the same alert after that is a new incident."""

import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx
from opspact.testing.plugin import auth, sign_hooks
from opspact.testing.probes import query


def zabbix(trigger: str, value: int, event: int = 1) -> dict:
    return {"event_id": event, "trigger_id": trigger, "host": "seal-db-01", "event_value": value,
            "severity": "High", "name": "Oracle 表空间不足", "system": "police-platform"}


def test_storm_of_identical_alerts_is_one_open_incident(stack, gateway):
    trigger = uuid.uuid4().hex[:10]
    url = f"{stack.url('gateway')}/hooks/xinxiang/zabbix"

    def send(n: int) -> int:
        with httpx.Client(timeout=60, event_hooks={"request": [sign_hooks]}) as client:
            return client.post(url, json=zabbix(trigger, 1, n)).status_code

    with ThreadPoolExecutor(8) as pool:
        codes = list(pool.map(send, range(1000)))
    assert codes.count(201) == 1 and codes.count(200) == 999
    rows = query(stack, "SELECT id, occurrences, last_seen_at, status FROM ticketing.tickets "
                        "WHERE source = 'zabbix' AND fingerprint = $1", f"seal-db-01:{trigger}")
    assert len(rows) == 1 and rows[0]["occurrences"] == 1000 and rows[0]["last_seen_at"]
    created = query(stack, "SELECT count(*) AS n FROM ticketing.outbox WHERE event_type = "
                           "'ticketing.ticket.created.v1' AND payload->'data'->>'ticket_id' = $1",
                    str(rows[0]["id"]))
    assert created[0]["n"] == 1  # one incident announced, not a thousand

    recovered = gateway.post("/hooks/xinxiang/zabbix", json=zabbix(trigger, 0, 2000))
    assert recovered.status_code == 200, recovered.text
    [item] = recovered.json()["items"]
    assert item["action"] == "resolved" and item["ticket"]["status"] == "resolved"
    again = gateway.post("/hooks/xinxiang/zabbix", json=zabbix(trigger, 1, 2001))
    assert again.status_code == 201 and again.json()["id"] != str(rows[0]["id"])
    # a recovery nobody opened is acknowledged, not an error (monitors retry on errors)
    stray = gateway.post("/hooks/xinxiang/zabbix", json=zabbix("never-fired", 0))
    assert stray.status_code == 200 and stray.json()["items"][0]["action"] == "no_open_incident"


def test_alertmanager_group_opens_counts_and_resolves(gateway):
    fp = uuid.uuid4().hex[:16]

    def group(status: str, *alerts) -> dict:
        return {"version": "4", "status": status, "commonLabels": {"system": "data-pool"},
                "alerts": list(alerts)}

    disk = {"status": "firing", "fingerprint": fp, "labels": {"alertname": "DiskFull",
                                                              "severity": "warning"},
            "annotations": {"summary": "/data 使用率 91%"}}
    first = gateway.post("/hooks/wuqia/alertmanager", json=group("firing", disk))
    assert first.status_code == 200, first.text
    [item] = first.json()["items"]
    assert item["action"] == "created" and item["ticket"]["priority"] == "p3"
    second = gateway.post("/hooks/wuqia/alertmanager", json=group("firing", disk)).json()
    assert second["items"][0]["action"] == "repeated"
    assert second["items"][0]["ticket"]["occurrences"] == 2
    done = gateway.post("/hooks/wuqia/alertmanager",
                        json=group("resolved", {**disk, "status": "resolved"})).json()
    assert done["items"][0]["action"] == "resolved"
    ticket = gateway.get(f"/api/ticketing/tickets/{item['ticket']['id']}",
                         headers=auth("wuqia", "vendor_engineer")).json()
    assert ticket["status"] == "resolved"
    assert ticket["timeline"][-1]["actor"] == "hook:alertmanager"


def test_bad_alert_changes_nothing(stack, gateway):
    fp = uuid.uuid4().hex[:16]
    good = {"status": "firing", "fingerprint": fp, "labels": {"alertname": "A"}}
    bad = {"status": "firing", "fingerprint": fp + "x", "labels": {"alertname": "B",
                                                                  "system": "not-ours"}}
    r = gateway.post("/hooks/wuqia/alertmanager", json={
        "status": "firing", "commonLabels": {"system": "data-pool"}, "alerts": [good, bad]})
    assert r.status_code == 422 and "not-ours" in r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert query(stack, "SELECT count(*) AS n FROM ticketing.tickets WHERE fingerprint = $1",
                 fp)[0]["n"] == 0  # the group is all or nothing
