"""Inspections through the gateway and the real database: the ledger across a
holiday, recording rounds against their checklists, evidence, incidents from
anomalies, missed rounds announced exactly once and priced by billing."""

from __future__ import annotations

import asyncio
import hashlib
import io
from collections import Counter
from datetime import datetime, timedelta

import pytest
from opspact.calendar import SHANGHAI
from opspact.db import Database
from opspact.testing.plugin import auth, wait_until
from opspact.testing.probes import forget_recorded_term, query
from ticketing.inspections import service
from ticketing.inspections.schemas import RoundRecord
from ticketing.inspections.watch import InspectionWatch

API = "/api/ticketing/inspections"
ENGINEER = auth("zhuhai", "vendor_engineer")
ZHUHAI_ITEMS = ["smart-station.functions", "smart-station.middleware", "smart-station.database",
                "smart-station.vms", "interfaces.calls", "interfaces.kafka", "data-resources.sync",
                "data-resources.layers"]
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def results(anomaly: str | None = None) -> list[dict]:
    return [{"item": i, "status": "anomaly", "note": "接口调用超时，已重启服务"} if i == anomaly
            else {"item": i, "status": "ok"} for i in ZHUHAI_ITEMS]


def record_body(start: str, end: str, anomaly: str | None = None) -> dict:
    return {"inspector": "黄工", "started_at": start, "ended_at": end, "items": results(anomaly)}


def run(stack, coroutine_factory):
    async def main():
        db = Database(stack.app_database_url("ticketing"), 2)
        try:
            return await coroutine_factory(db)
        finally:
            await db.dispose()
    return asyncio.run(main())


def test_ledger_over_national_day(gateway):
    r = gateway.get(f"{API}/rounds", headers=ENGINEER, params={
        "from": "2024-09-30T00:00:00+08:00", "to": "2024-10-09T00:00:00+08:00", "limit": 500})
    assert r.status_code == 200, r.text
    page = r.json()
    assert page["total"] == 1 + 7 * 3 + 1
    holiday = [i for i in page["items"] if i["heightened"]]
    assert len(holiday) == 21 and all("National Day" in i["heightened"] for i in holiday)
    assert page["items"][0]["round"] == "daily@2024-10-08T09:00"  # newest first
    # the term ended in 2024: nothing after it is planned
    later = gateway.get(f"{API}/rounds", headers=ENGINEER, params={
        "from": "2024-11-09T00:00:00+08:00", "to": "2024-11-20T00:00:00+08:00"}).json()
    assert later["total"] == 0


def test_a_round_shows_its_checklist(gateway):
    r = gateway.get(f"{API}/rounds/daily@2024-10-04T13:00", headers=auth("zhuhai", "client_viewer"))
    assert r.status_code == 200, r.text
    body = r.json()
    assert [i["item"] for i in body["items"]] == ZHUHAI_ITEMS
    assert body["items"][0]["name"].startswith("智慧派出所系统：")
    assert body["deadline"].startswith("2024-10-04T14:00")


def test_record_late_round_evidence_and_incident(stack, gateway):
    key = "daily@2024-10-05T19:00"
    body = record_body("2024-10-05T19:05:00+08:00", "2024-10-05T19:40:00+08:00",
                       anomaly="interfaces.kafka")
    r = gateway.put(f"{API}/rounds/{key}", headers=ENGINEER, json=body)
    assert r.status_code == 201, r.text
    recorded = r.json()
    # The watch had not announced it yet and the form says it ended on time: on time.
    assert recorded["state"] == "recorded" and recorded["anomalies"] == 1
    assert gateway.put(f"{API}/rounds/{key}", headers=ENGINEER, json=body).status_code == 200
    other = {**body, "inspector": "另一位工程师"}
    conflict = gateway.put(f"{API}/rounds/{key}", headers=ENGINEER, json=other)
    assert conflict.status_code == 409 and "already recorded" in conflict.json()["detail"]

    # evidence: the file itself, checked and kept with its checksum
    url = f"{API}/rounds/{key}/items/interfaces.kafka/evidence"
    r = gateway.post(url, content=PNG, headers={**ENGINEER, "Content-Type": "image/png",
                                                "X-Filename": "kafka-lag.png"})
    assert r.status_code == 201, r.text
    evidence = r.json()
    assert evidence["sha256"] == hashlib.sha256(PNG).hexdigest() and evidence["size"] == len(PNG)
    assert evidence["filename"] == "kafka-lag.png"  # the gateway forwards X-Filename
    named = gateway.post(url, content=PNG, headers={**ENGINEER, "Content-Type": "image/png",
                                                    "X-Filename": "%E5%B7%A1%E6%A3%80.png"})
    assert named.status_code == 201 and named.json()["filename"] == "巡检.png", named.text
    for bad in ("..%2Fetc%2Fpasswd", "%FF%FE.png", "a%00b.png"):
        refused = gateway.post(url, content=PNG, headers={**ENGINEER, "Content-Type": "image/png",
                                                          "X-Filename": bad})
        assert refused.status_code == 422 and "X-Filename" in refused.json()["detail"], bad
    back = gateway.get(f"{API}/evidence/{evidence['id']}", headers=auth("zhuhai", "auditor"))
    assert back.content == PNG and back.headers["content-type"] == "image/png"
    lying = gateway.post(url, content=b"GIF89a....", headers={**ENGINEER, "Content-Type": "image/png"})
    assert lying.status_code == 422 and "first bytes" in lying.json()["detail"]
    huge = gateway.post(url, content=PNG * 1100, headers={**ENGINEER, "Content-Type": "image/png"})
    assert huge.status_code == 413
    elsewhere = gateway.get(f"{API}/evidence/{evidence['id']}", headers=auth("xinjiang", "auditor"))
    assert elsewhere.status_code == 404

    # an anomaly becomes an incident once, linked both ways
    incident = f"{API}/rounds/{key}/items/interfaces.kafka/incident"
    first = gateway.post(incident, headers=ENGINEER, json={"priority": "p2"})
    assert first.status_code == 201, first.text
    ticket = first.json()
    assert ticket["channel"] == "inspection" and ticket["system"] == "interfaces"
    assert "接口调用超时" in ticket["description"]
    again = gateway.post(incident, headers=ENGINEER, json={})
    assert again.status_code == 200 and again.json()["id"] == ticket["id"]
    normal = gateway.post(f"{API}/rounds/{key}/items/interfaces.calls/incident", headers=ENGINEER, json={})
    assert normal.status_code == 409
    page = gateway.get(f"{API}/rounds/{key}", headers=ENGINEER).json()
    kafka = next(i for i in page["items"] if i["item"] == "interfaces.kafka")
    assert kafka["ticket_id"] == ticket["id"] and kafka["evidence"][0]["id"] == evidence["id"]


@pytest.mark.parametrize(("key", "change", "status", "needle"), [
    ("daily@2024-10-06T08:00", {"items": results()[:-1]}, 422, "without a result"),
    ("daily@2024-10-06T08:00", {"items": [*results(), {"item": "smart-station.coffee", "status": "ok"}]},
     422, "unknown checklist items"),
    ("daily@2024-10-06T08:00", {"items": [{"item": ZHUHAI_ITEMS[0], "status": "anomaly"}]}, 422,
     "needs a note"),
    ("daily@2024-10-06T08:00", {"ended_at": "2024-10-06T07:00:00+08:00"}, 422, "before started_at"),
    ("daily@2024-10-06T08:00", {"started_at": "2024-10-05T20:00:00+08:00"}, 422, "before the round opens"),
    ("daily@2024-10-06T08:00", {"ended_at": "2099-01-01T08:00:00+08:00"}, 422, "future"),
    ("daily@2024-10-06T09:00", {}, 404, "no inspection round"),  # a holiday: 08/13/19 only
    ("weekly@2024-10-06T08:00", {}, 404, "no inspection round"),
])
def test_bad_rounds_are_refused_and_nothing_is_written(stack, gateway, key, change, status, needle):
    before = query(stack, "SELECT count(*) AS n FROM ticketing.inspection_rounds")[0]["n"]
    body = {**record_body("2024-10-06T08:00:00+08:00", "2024-10-06T08:30:00+08:00"), **change}
    r = gateway.put(f"{API}/rounds/{key}", headers=ENGINEER, json=body)
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert needle in r.text
    assert query(stack, "SELECT count(*) AS n FROM ticketing.inspection_rounds")[0]["n"] == before


def test_a_round_of_another_tenant_or_role_is_refused(gateway):
    body = record_body("2024-10-06T13:00:00+08:00", "2024-10-06T13:30:00+08:00")
    viewer = gateway.put(f"{API}/rounds/daily@2024-10-06T13:00", headers=auth("zhuhai", "client_viewer"),
                         json=body)
    assert viewer.status_code == 403
    # xinjiang's daily round is at 10:00 and its term starts in December 2024
    other = gateway.put(f"{API}/rounds/daily@2024-10-06T13:00", headers=auth("xinjiang", "vendor_engineer"),
                        json=body)
    assert other.status_code == 404


def test_a_future_round_cannot_be_recorded_yet(gateway):
    now = datetime.now(SHANGHAI)
    tomorrow = (now + timedelta(days=1)).strftime("%Y-%m-%d")
    key = f"daily@{tomorrow}T09:00"  # beijing's term runs to 2027-05-28
    r = gateway.put(f"{API}/rounds/{key}", headers=auth("beijing", "vendor_engineer"), json={
        "inspector": "工程师", "started_at": now.isoformat(), "ended_at": now.isoformat(),
        "items": [{"item": i, "status": "ok"} for i in (
            "residence-permit.service", "residence-permit.database", "residence-permit.hardware",
            "residence-permit.online", "sms-gateway.delivery", "sms-gateway.links")]})
    # it opens at 07:00 tomorrow, always later than now
    assert r.status_code == 409 and "opens for recording" in r.json()["detail"], r.text


def missed_events(stack, since: str) -> Counter:
    rows = query(stack, "SELECT payload->'data'->>'round' AS round FROM ticketing.outbox "
                        "WHERE tenant_id = 'zhuhai' AND event_type = 'ticketing.inspection.missed.v1' "
                        "AND payload->'data'->>'scheduled_at' >= $1", since)
    return Counter(r["round"] for r in rows)


def test_missed_rounds_announced_exactly_once(stack, gateway):
    # The 高考 days of 2024: three rounds a day. Two watches at once, twice, as if the
    # clock stood at 2024-06-10 20:30. (wuqia's term, if an acceptance was recorded by
    # another test, would plan rounds in those days too.)
    forget_recorded_term(stack, "wuqia")
    now = at("2024-06-10T20:30")

    async def ticks(db_a):
        db_b = Database(stack.app_database_url("ticketing"), 2)
        try:
            counts = []
            for _ in range(2):
                counts += await asyncio.gather(InspectionWatch(db_a, lookback_hours=48).tick(now),
                                               InspectionWatch(db_b, lookback_hours=48).tick(now))
            return counts
        finally:
            await db_b.dispose()

    counts = run(stack, ticks)
    events = missed_events(stack, "2024-06-08")
    assert events and set(events.values()) == {1}
    # deadlines (due + 1 h) passed within the last 48 hours: 2024-06-08 19:00 is 48.5 h ago
    assert sorted(events) == ["daily@2024-06-09T08:00",
                              "daily@2024-06-09T13:00", "daily@2024-06-09T19:00",
                              "daily@2024-06-10T08:00", "daily@2024-06-10T13:00",
                              "daily@2024-06-10T19:00"]
    assert sum(counts) == len(events) and counts[2:] == [0, 0]
    ledger = gateway.get(f"{API}/rounds", headers=ENGINEER, params={
        "from": "2024-06-10T00:00:00+08:00", "to": "2024-06-11T00:00:00+08:00"}).json()
    assert ledger["counts"]["missed"] == 3
    assert all(i["missed_at"] for i in ledger["items"])


def test_a_day_of_missed_rounds_made_up_costs_one_day(stack, gateway):
    # 2024-06-09 is in the 高考 period: three rounds, all announced missed (by the test
    # above, or now), all made up the next evening. 六2 charges per day of delay: one day.
    keys = ["daily@2024-06-09T08:00", "daily@2024-06-09T13:00", "daily@2024-06-09T19:00"]
    run(stack, lambda db: InspectionWatch(db, lookback_hours=48).tick(at("2024-06-10T20:30")))

    async def make_up(db):
        done = []
        for key in keys:
            async with db.unit_of_work("zhuhai") as session:
                row, _, _ = await service.record(
                    session, "zhuhai", key, RoundRecord.model_validate(record_body(
                        "2024-06-10T20:00:00+08:00", "2024-06-10T20:45:00+08:00")), "tester",
                    now=at("2024-06-10T21:00"))
                done.append(row.ended_at)
        return done

    assert run(stack, make_up) == [at("2024-06-10T21:00")] * 3  # counted when recorded
    assert gateway.get(f"{API}/rounds/{keys[1]}", headers=ENGINEER).json()["state"] == "made_up"

    def ledger() -> dict:
        items = gateway.get("/api/billing/ledger", headers=auth("zhuhai", "vendor_manager"),
                            params={"rule": "late-work", "limit": 200}).json()["items"]
        return {e["key"]: e for e in items}

    items = [f"inspection:{key}" for key in keys]
    wait_until(lambda: query(stack, "SELECT count(*) AS n FROM billing.damage_inputs WHERE "
                                    "tenant_id = 'zhuhai' AND type = 'ticketing.inspection.made_up.v1' "
                                    "AND data->>'item' = ANY($1)", items)[0]["n"] == 3,
               timeout=60, message="billing to take the three made-up rounds")
    first = f"late-work:inspection:{keys[0]}"
    entry = ledger()[first]
    assert not entry["accruing"], entry
    # due 06-09, done 06-10: one day late, at 0.3 % of ¥708,000
    assert entry["days"] == 1 and entry["amount"]["value"] == "2124.00", entry
    for key in keys[1:]:  # the same day: charged once, with the first round
        other = ledger().get(f"late-work:inspection:{key}")
        assert other is None or other["amount"]["value"] == "0.00", other


def test_ledger_exports_as_xlsx(gateway):
    from openpyxl import load_workbook
    r = gateway.get(f"{API}/export", headers=auth("zhuhai", "auditor"), params={
        "from": "2024-10-05T00:00:00+08:00", "to": "2024-10-06T00:00:00+08:00"})
    assert r.status_code == 200, r.text
    assert "inspections-zhuhai-20241005-20241005.xlsx" in r.headers["content-disposition"]  # one day
    sheet = load_workbook(io.BytesIO(r.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("巡检计划", "应巡检时间", "截止时间", "安保期", "状态")
    recorded = [row for row in rows[1:] if row[1] == "2024-10-05 19:00"]
    assert len(recorded) == len(ZHUHAI_ITEMS)  # one row per item of the recorded round
    assert any(row[9] == "异常" and "接口调用超时" in row[10] for row in recorded)
    assert {row[1] for row in rows[1:]} >= {"2024-10-05 08:00", "2024-10-05 13:00"}


def test_the_inventory_servers_are_on_the_checklist(gateway):
    # xinxiang's daily round walks every active server of its inventory (read from
    # the inventory's events): the four seeded, then one more, then one less.
    key = "daily@2025-03-04T09:30"
    url = f"{API}/rounds/{key}"
    viewer = auth("xinxiang", "client_viewer")

    def servers() -> set[str]:
        items = gateway.get(url, headers=viewer).json()["items"]
        return {i["item"].rsplit(".", 1)[0] for i in items if i["item"].endswith(".disk")}

    wait_until(lambda: servers() >= {"app-01", "app-02", "db-01", "db-02"}, timeout=60,
               message="the seeded servers on the checklist")
    code = f"srv-{datetime.now().strftime('%H%M%S%f')}"
    inventory = auth("xinxiang", "vendor_manager")
    r = gateway.post("/api/inventory/assets", headers=inventory, json={
        "kind": "server", "code": code, "name": "备用应用服务器", "attributes": {"form": "physical"}})
    assert r.status_code == 201, r.text
    wait_until(lambda: code in servers(), timeout=60, message="a new server on the checklist")
    item = next(i for i in gateway.get(url, headers=viewer).json()["items"] if i["item"] == f"{code}.cpu")
    assert item["name"] == "备用应用服务器：CPU与内存"
    r = gateway.post(f"/api/inventory/assets/{code}/retire", headers=inventory, json={"reason": "下线"})
    assert r.status_code == 200, r.text
    wait_until(lambda: code not in servers(), timeout=60, message="a retired server off the checklist")
