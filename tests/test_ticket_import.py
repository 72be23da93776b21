"""Bulk import of historical tickets: validated whole, idempotent, SLA clocks replayed
on the contract's calendar, and quiet (history is not news)."""

import uuid

from opspact.testing.plugin import auth
from opspact.testing.probes import query

IMPORT = "/api/ticketing/tickets/import"
MANAGER = auth("zhuhai", "vendor_manager")
HEADER = "import_id,system,title,created_at,priority,channel,acknowledged_at,resolved_at,closed_at"


def post(gateway, text: str, encoding="utf-8-sig", dry_run=False, headers=MANAGER):
    return gateway.post(IMPORT, params={"dry_run": dry_run}, content=text.encode(encoding),
                        headers={**headers, "Content-Type": "text/csv"})


def resolution(stack, import_id: str) -> dict:
    rows = query(stack, "SELECT c.state, c.due_at, c.breached_at, c.warned_at, t.status "
                        "FROM ticketing.tickets t JOIN ticketing.ticket_sla_clocks c "
                        "ON c.ticket_id = t.id WHERE t.external_id = $1 AND t.source = 'import' "
                        "AND c.clock = 'resolution'", import_id)
    return dict(rows[0])


def test_import_replays_history_on_the_working_day_calendar(stack, gateway):
    run = uuid.uuid4().hex[:6]
    csv_text = "\n".join([
        HEADER,
        # Fri 16:00 before the 2025 National Day week: 5 working days run to 10 Oct 16:00
        f"{run}-1,smart-station,派出所系统登录失败,2025-09-26 16:00,p2,wechat_qq,"
        f"2025-09-26 16:30,2025-10-10 10:00,2025-10-11 09:00",
        f"{run}-2,smart-station,接口超时,2025-09-26 16:00,p2,hotline,,2025-10-13 09:00,",
        f"{run}-3,interfaces,数据推送中断,2025-11-03T09:00:00+08:00,p3,platform,,,",
    ]) + "\n"
    dry = post(gateway, csv_text, dry_run=True)
    assert dry.status_code == 200, dry.text
    assert dry.json() == {"rows": 3, "created": 3, "existing": 0, "dry_run": True}
    assert query(stack, "SELECT count(*) AS n FROM ticketing.tickets WHERE external_id LIKE $1",
                 f"{run}-%")[0]["n"] == 0
    done = post(gateway, csv_text)
    assert done.json() == {"rows": 3, "created": 3, "existing": 0, "dry_run": False}
    first, second, third = (resolution(stack, f"{run}-{n}") for n in (1, 2, 3))
    assert first["status"] == "closed" and first["state"] == "met"
    assert first["due_at"].isoformat().startswith("2025-10-10T08:00")  # 16:00 Shanghai
    assert second["state"] == "breached"
    assert third["status"] == "new" and third["state"] == "running"
    assert third["breached_at"] == third["due_at"] and third["warned_at"]  # marked, quietly
    events = query(stack, "SELECT event_type, count(*) AS n FROM ticketing.outbox WHERE "
                          "payload->'data'->>'import_ids' LIKE $1 OR (payload->>'tenantid' = 'zhuhai' "
                          "AND payload->'data'->>'number' IN (SELECT number FROM ticketing.tickets "
                          "WHERE external_id LIKE $1)) GROUP BY 1", f"%{run}-%")
    assert {r["event_type"]: r["n"] for r in events} == {"ticketing.tickets.imported.v1": 1}
    again = post(gateway, csv_text)
    assert again.json() == {"rows": 3, "created": 0, "existing": 3, "dry_run": False}


def test_gb18030_file_from_chinese_excel(stack, gateway):
    run = uuid.uuid4().hex[:6]
    text = f"{HEADER}\n{run},data-resources,数据资源目录无法访问,2025-12-01 10:00,p3,email,,,\n"
    r = post(gateway, text, encoding="gb18030")
    assert r.status_code == 200, r.text
    assert query(stack, "SELECT title FROM ticketing.tickets WHERE external_id = $1",
                 run)[0]["title"] == "数据资源目录无法访问"


def test_bad_rows_are_named_and_nothing_is_imported(stack, gateway):
    run = uuid.uuid4().hex[:6]
    text = "\n".join([
        HEADER,
        f"{run}-ok,smart-station,正常行,2025-12-01 10:00,p3,hotline,,,",
        f"{run}-late,smart-station,时间倒序,2025-12-01 10:00,p3,hotline,2025-11-30 10:00,,",
        f"{run}-prio,smart-station,优先级错,2025-12-01 10:00,p9,hotline,,,",
        f"{run}-sys,no-such-system,系统错,2025-12-01 10:00,p3,hotline,,,",
        f"{run}-cells,smart-station,少一列,2025-12-01 10:00",
        f"{run}-ok,smart-station,重复,2025-12-01 10:00,p3,hotline,,,",
    ]) + "\n"
    r = post(gateway, text)
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")
    fields = " ".join(e["field"] for e in r.json()["errors"])
    for where in ("row 3", "row 4.priority", "row 6", f"import_id {run}-ok"):
        assert where in fields, fields
    assert "acknowledged_at is before created_at" in r.text
    assert query(stack, "SELECT count(*) AS n FROM ticketing.tickets WHERE external_id LIKE $1",
                 f"{run}-%")[0]["n"] == 0
    # rows that parse but name a system outside the contract
    r = post(gateway, f"{HEADER}\n{run}-x,no-such-system,系统错,2025-12-01 10:00,p3,hotline,,,\n")
    assert r.status_code == 422 and "no-such-system" in r.text


def test_import_refuses_wrong_type_columns_and_roles(gateway):
    r = gateway.post(IMPORT, json={"rows": []}, headers=MANAGER)
    assert r.status_code == 415
    r = post(gateway, "import_id,title\n1,x\n")
    assert r.status_code == 422 and "missing columns: system, created_at" in r.text
    r = post(gateway, f"{HEADER},colour\n")
    assert r.status_code == 422 and "unknown columns: colour" in r.text
    r = post(gateway, f"{HEADER}\n", headers=auth("zhuhai", "vendor_engineer"))
    assert r.status_code == 403


def test_imported_tickets_are_numbered_in_the_year_they_happened(stack, gateway):
    run = uuid.uuid4().hex[:6]
    r = post(gateway, f"{HEADER}\n{run},smart-station,往年工单,2024-06-01 10:00,p3,hotline,,,\n")
    assert r.status_code == 200, r.text
    number = query(stack, "SELECT number FROM ticketing.tickets WHERE external_id = $1", run)[0]["number"]
    assert number.startswith("T2024-")
