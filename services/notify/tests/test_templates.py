"""zh-CN SMS text, times at the edge in Asia/Shanghai."""

from notify.notifications.templates import ticket_created


def test_ticket_created_reads_in_chinese_with_shanghai_time():
    text = ticket_created({"kind": "incident", "priority": "p1", "number": "XJ-20261121-0001",
                           "system_name": "交管12123缴费", "title": "缴费失败",
                           "created_at": "2026-11-21T16:05:00+00:00"})
    assert text == ("【新故障】XJ-20261121-0001（重大）交管12123缴费：缴费失败。"
                    "报告时间 2026-11-22 00:05，请及时响应。")


def test_unknown_kind_and_priority_still_render():
    text = ticket_created({"kind": "other", "priority": "p9", "number": "N-1", "system": "s",
                           "title": "t", "created_at": "2026-01-01T00:00:00Z"})
    assert text.startswith("【新工单】N-1（p9）s：t。报告时间 2026-01-01 08:00")
