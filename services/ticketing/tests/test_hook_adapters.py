"""Each platform's report becomes signals: a fault to open (with its dedup key) or a
recovery."""

import pytest
from pydantic import ValidationError
from ticketing.hooks.adapters import ADAPTERS


def signals(source, payload):
    return ADAPTERS[source].model_validate(payload).signals()


def test_fee_platform_fault_maps_to_an_incident():
    [signal] = signals("12123", {
        "fault_id": " F-1 ", "system": "12123-fees", "title": "缴费失败", "level": "p1",
        "occurred_at": "2026-11-21T08:00:00+08:00", "unknown": "ignored"})
    ticket = signal.ticket
    assert (signal.key, signal.by_fingerprint) == ("F-1", False)
    assert (ticket.kind.value, ticket.priority.value, ticket.channel.value) == (
        "incident", "p1", "platform")
    assert "发生时间: 2026-11-21T08:00:00+08:00" in ticket.description


def test_generic_alert_fires_and_recovers_by_its_id():
    [fire] = signals("generic", {"id": "alert-9", "system": "data-pool", "title": "磁盘满"})
    assert (fire.key, fire.by_fingerprint, fire.ticket.channel.value) == ("alert-9", True, "hook")
    [recover] = signals("generic", {"id": "alert-9", "status": "resolved", "system": "data-pool",
                                    "title": "磁盘满"})
    assert recover.recovery and recover.key == "alert-9"


def test_zabbix_problem_and_recovery_share_host_and_trigger():
    problem = {"event_id": 101, "trigger_id": 7, "host": "db-01", "event_value": 1,
               "severity": "4", "name": "Oracle 监听不可用", "system": "police-platform",
               "opdata": "down"}
    [fire] = signals("zabbix", problem)
    assert fire.key == "db-01:7" and fire.ticket.priority.value == "p2"
    assert fire.ticket.title == "[db-01] Oracle 监听不可用" and "当前值: down" in fire.ticket.description
    [again] = signals("zabbix", {**problem, "event_id": 102})  # a new event of the same trigger
    assert again.key == fire.key
    [recover] = signals("zabbix", {"event_id": 103, "trigger_id": "7", "host": "db-01",
                                   "event_value": "0"})
    assert recover.recovery and recover.key == fire.key
    assert signals("zabbix", {**problem, "severity": "Disaster"})[0].ticket.priority.value == "p1"
    assert signals("zabbix", {**problem, "severity": "1"})[0].ticket.priority.value == "p4"


def test_alertmanager_group_yields_one_signal_per_alert():
    out = signals("alertmanager", {
        "version": "4", "status": "firing", "commonLabels": {"system": "data-pool"},
        "alerts": [
            {"status": "firing", "fingerprint": "a1", "startsAt": "2026-11-21T01:00:00Z",
             "labels": {"alertname": "DiskFull", "severity": "critical", "instance": "10.0.0.1"},
             "annotations": {"summary": "磁盘使用率 95%"}},
            {"status": "resolved", "labels": {"alertname": "HighLoad", "instance": "10.0.0.2"}},
        ]})
    assert [s.recovery for s in out] == [False, True]
    assert out[0].key == "a1" and out[0].ticket.priority.value == "p1"
    assert out[0].ticket.title == "DiskFull: 磁盘使用率 95%"
    assert len(out[1].key) == 32  # no fingerprint sent: derived from the labels


@pytest.mark.parametrize(("source", "payload", "words"), [
    ("12123", {}, "fault_id"),
    ("12123", {"fault_id": "", "system": "s", "title": "t"}, "fault_id"),
    ("12123", {"fault_id": "F", "system": "s", "title": "x" * 201}, "title"),
    ("zabbix", {"event_id": 1, "trigger_id": 2, "host": "h", "event_value": 1}, "system"),
    ("zabbix", {"event_id": 1, "trigger_id": 2, "host": "h", "event_value": 3}, "event_value"),
    ("alertmanager", {"status": "firing", "alerts": []}, "alerts"),
    ("alertmanager", {"status": "firing", "alerts": [{"status": "firing", "labels": {}}]},
     "no system label"),
])
def test_incomplete_reports_are_refused(source, payload, words):
    with pytest.raises(ValidationError, match=words):
        ADAPTERS[source].model_validate(payload)
