"""人员与考勤: the people part of a report, from inventory's staffing summary — the staffing
table (zhuhai's 人员配置表, its annual 人员结构), attendance statistics (beijing's weekly
考勤统计) as rostered, coverage of each contracted post, security trainings (xinjiang's
monthly training records) and replacements."""

from __future__ import annotations

from datetime import datetime

from opspact.calendar import minute_text
from opspact.peers import Denied

from ticketing.reports import labels
from ticketing.reports.document import Section, Table

HEADING = "人员与考勤"


def _hours(value: float) -> str:
    return f"{value:g}"


def _coverage(post: dict) -> list[str]:
    if post["required_hours"] is None:  # e.g. no working-day calendar for the year yet
        return ["未知", "未知", "节假日安排未公布"]
    percent = post["covered_percent"]
    return [_hours(post["required_hours"]), _hours(post["gap_hours"]),
            "—" if percent is None else f"{percent}%"]


def numbers(summary: dict) -> dict[str, int | str]:
    hours = sum(a["hours"] for a in summary["attendance"])
    return {"staff": len(summary["staff"]), "attendance_hours": _hours(round(hours, 2)),
            "trainings": len(summary["trainings"]), "replacements": len(summary["replacements"])}


def section(summary: dict | Denied, annual: bool) -> Section:
    if isinstance(summary, Denied):
        return Section(HEADING, paragraphs=[
            f"本节需要查看排班的权限，当前角色无权查看，未列出（{summary.detail}）。"])
    n = numbers(summary)
    posts = summary["posts"]
    covered = "；".join(f"{p['post_name']}{p['covered_percent']}%" for p in posts
                       if p["covered_percent"] is not None)
    text = [f"本期在岗人员{n['staff']}人，排班出勤合计{n['attendance_hours']}小时；"
            f"安全培训{n['trainings']}人次，人员更换{n['replacements']}人次。"]
    if covered:
        text.append(f"各岗位排班覆盖率：{covered}。")
    tables = [Table("表 人员配置表", ["编号", "姓名", "角色", "岗位", "负责范围"],
                    [[s["code"], s["name"], s["role"], s["post_name"] or s["post"] or "—",
                      "、".join(s["categories"]) or "—"] for s in summary["staff"]], [10, 10, 14, 16, 30])]
    if annual:
        tables.append(Table("表 人员结构", ["角色", "人数"],
                            [[r["role"], r["count"]] for r in summary["structure"]], [16, 8]))
    tables += [
        Table("表 考勤统计（按排班）", ["编号", "姓名", "班次", "出勤天数", "在岗小时"],
              [[a["staff"], a["name"], a["shifts"], a["days"], _hours(a["hours"])]
               for a in summary["attendance"]], [10, 10, 8, 8, 10]),
        Table("表 岗位覆盖情况", ["岗位", "覆盖方式", "人数要求", "应在岗人时", "缺岗人时", "覆盖率"],
              [[p["post_name"], labels.of(labels.COVERAGE, p["coverage"]), p["headcount"],
                *_coverage(p)] for p in posts],
              [16, 14, 8, 10, 10, 8])]
    recorded = summary.get("recorded")
    if recorded:  # attendance as it happened (beijing's and xinjiang's assessment)
        tables.append(Table("表 考勤记录（按签到，对照排班）",
                            ["编号", "姓名", "排班", "到岗", "迟到", "缺勤", "班内在岗小时", "签到小时"],
                            [[p["staff"], p["name"] or "—", p["shifts"], p["attended"], p["late"],
                              p["absent"], _hours(p["shift_hours"]), _hours(p["hours"])]
                             for p in recorded["people"]],
                            [10, 10, 6, 6, 6, 6, 10, 10]))
        uncovered = recorded["uncovered_hours_by_post"]
        names = {p["post"]: p["post_name"] for p in posts}
        absent = sum(p["absent"] for p in recorded["people"])
        late = sum(p["late"] for p in recorded["people"])
        text.append(f"按签到记录：缺勤{absent}班次，迟到{late}班次；" + (
            "岗位未覆盖：" + "；".join(f"{names.get(post, post)}{_hours(hours)}小时"
                                   for post, hours in uncovered.items())
            if uncovered else "各岗位排班时段均有人员签到在岗。"))
    if summary["trainings"]:
        tables.append(Table("表 安全培训记录", ["日期", "编号", "姓名"],
                            [[t["on"], t["staff"], t["name"]] for t in summary["trainings"]], [12, 10, 10]))
    if summary["replacements"]:
        tables.append(Table("表 人员更换记录", ["时间", "岗位", "离岗", "接替", "原因"],
                            [[minute_text(datetime.fromisoformat(r["at"])), r["post"], r["leaving"],
                              r["joining"], r["reason"]] for r in summary["replacements"]],
                            [18, 12, 10, 10, 30]))
    return Section(HEADING, paragraphs=text, tables=tables)
