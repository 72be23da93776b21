"""The periodic reports (周报 / 月报 / 季度报告 / 年度报告) built from the facts: what each
contract asks for — task statistics, each fault with its description, handling and
outcome, SLA attainment per target, the inspection record, the work log — with the
charts people would rather look at, and per kind what only it has (next week's plan,
the operations analysis by month, the shortcomings of the year)."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import datetime

from opspact.calendar import SHANGHAI, minute_text
from opspact.peers import Denied

from ticketing.inspections.ledger import STATE_NAMES
from ticketing.reports import charts, labels, money, people, satisfaction
from ticketing.reports.document import Chart, Figure, Report, Section, Table
from ticketing.reports.facts import Clock, Facts, Fault
from ticketing.reports.periods import Period

DONE = ("resolved", "closed")
NUMERALS = (*"一二三四五六七八九十", "十一", "十二", "十三", "十四", "十五")


def _percent(part: int, whole: int) -> str:
    return f"{part * 100 / whole:.1f}%" if whole else "—"


def _attained(clocks: list[Clock]) -> tuple[int, int, int]:
    """(finished, met, breached): a clock counts once finished or breached."""
    breached = sum(c.breached for c in clocks)
    met = sum(c.state == "met" and not c.breached for c in clocks)
    return met + breached, met, breached


def _minutes(c: Clock) -> int:
    return max(0, int(((c.stopped_at - c.started_at).total_seconds() - c.paused_seconds) // 60))


def summary(facts: Facts) -> dict[str, int | str]:
    faults = facts.faults
    due, met, breached = _attained(facts.clocks)
    rounds = Counter(r.state.value for r in facts.rounds)
    return {
        "tickets": len(faults),
        "incidents": sum(f.kind == "incident" for f in faults),
        "service_requests": sum(f.kind == "service_request" for f in faults),
        "consultations": sum(f.kind == "consultation" for f in faults),
        "resolved": sum(f.status in DONE for f in faults),
        "open": sum(f.status not in DONE for f in faults),
        "sla_due": due, "sla_met": met, "sla_breached": breached,
        "sla_attainment": _percent(met, due),
        "rounds": len(facts.rounds), "rounds_recorded": rounds["recorded"],
        "rounds_made_up": rounds["made_up"], "rounds_missed": rounds["missed"],
        "rounds_upcoming": rounds["upcoming"],
        "anomalies": sum(r.anomalies for r in facts.rounds),
        "worklog": len(facts.worklog),
        "worklog_minutes": sum(w.minutes_spent for w in facts.worklog),
    }


def _overview(n: dict) -> Section:
    return Section("概况", paragraphs=[
        f"本期共受理工单{n['tickets']}件（故障{n['incidents']}件、服务请求{n['service_requests']}件、"
        f"咨询{n['consultations']}件），已解决{n['resolved']}件，未解决{n['open']}件，"
        f"解决率{_percent(n['resolved'], n['tickets'])}。",
        f"SLA时限到期{n['sla_due']}项，按时完成{n['sla_met']}项，超时{n['sla_breached']}项，"
        f"达成率{n['sla_attainment']}。",
        f"计划巡检{n['rounds']}次，按时完成{n['rounds_recorded']}次，逾期补录{n['rounds_made_up']}次，"
        f"未巡检{n['rounds_missed']}次，发现异常{n['anomalies']}项。",
        f"工作日志{n['worklog']}条，"
        f"累计工时{n['worklog_minutes'] // 60}小时{n['worklog_minutes'] % 60}分钟。"])


def _tasks(facts: Facts) -> Section:
    by_kind: dict[str, Counter] = defaultdict(Counter)
    for f in facts.faults:
        by_kind[f.kind]["all"] += 1
        by_kind[f.kind]["done" if f.status in DONE else "open"] += 1
    kinds = Table("表1 工单分类统计", ["类别", "受理", "已解决", "未解决"],
                  [[labels.KINDS[k], by_kind[k]["all"], by_kind[k]["done"], by_kind[k]["open"]]
                   for k in labels.KINDS], [3, 2, 2, 2])
    priorities = Counter(f.priority for f in facts.faults)
    channels = Counter(f.channel for f in facts.faults)
    levels = Table("表2 级别与来源", ["分类", "项目", "件数"],
                   [["级别", labels.PRIORITIES[p], n] for p, n in sorted(priorities.items())]
                   + [["来源", labels.of(labels.CHANNELS, c), n] for c, n in channels.most_common()],
                   [3, 4, 2])
    per_system = Counter(f.system for f in facts.faults)
    names = [facts.systems.get(code, code) for code in per_system]
    section = Section("工单统计", tables=[kinds, levels])
    if per_system:
        ranked = sorted(zip(names, per_system.values(), strict=True), key=lambda p: -p[1])
        section.figures.append(_figure("图1 各系统工单量", "各系统工单量", Chart(
            "bars", [n for n, _ in ranked], {"工单数": [v for _, v in ranked]}, "工单数")))
    return section


def _figure(caption: str, title: str, chart: Chart) -> Figure:
    return Figure(caption, charts.draw(title, chart), chart)


def _outcome(f: Fault) -> str:
    if f.status in DONE and f.resolved_at:
        return f"已解决（{minute_text(f.resolved_at)}）"
    if f.status in DONE:
        return labels.of(labels.STATUSES, f.status)
    return f"处理中（{labels.of(labels.STATUSES, f.status)}）"


def _faults(facts: Facts) -> Section:
    rows = [[f.number, minute_text(f.created_at), facts.systems.get(f.system, f.system),
             labels.of(labels.PRIORITIES, f.priority), f"{f.title}：{f.description}".rstrip("："),
             f.solution or "—", _outcome(f)]
            for f in facts.faults if f.kind == "incident"]
    return Section("故障处理情况", tables=[Table(
        "表3 故障处理明细", ["编号", "报告时间", "系统", "级别", "故障描述", "处理措施", "处理结果"],
        rows, [14, 18, 16, 10, 40, 40, 22])])


def _sla(facts: Facts, period: Period) -> Section:
    groups: dict[tuple[str, str], list[Clock]] = defaultdict(list)
    for c in facts.clocks:
        groups[(c.clock, c.target)].append(c)
    rows = []
    for (clock, target), clocks in sorted(groups.items()):
        due, met, breached = _attained(clocks)
        rows.append([labels.of(labels.CLOCKS, clock), target, len(clocks), due, met, breached,
                     len(clocks) - due, _percent(met, due)])
    section = Section("SLA达成情况", tables=[Table(
        "表4 各时限目标达成情况", ["时限", "目标", "计时", "到期", "按时", "超时", "进行中", "达成率"],
        rows, [8, 14, 7, 7, 7, 7, 8, 9])])
    section.figures.append(_figure("图2 SLA达成率趋势", "SLA达成率趋势", _trend(facts, period)))
    responses = [_minutes(c) for c in facts.clocks if c.clock == "response" and c.stopped_at]
    section.figures.append(_figure("图3 响应时间分布", "响应时间分布", charts.response_bins(responses)))
    return section


def _trend(facts: Facts, period: Period) -> Chart:
    """Attainment per bucket of the period (days, weeks or months): all clocks together,
    then each clock on its own, to one decimal (None where nothing fell due)."""
    buckets = period.buckets()
    kinds = sorted({c.clock for c in facts.clocks})
    series: dict[str, list[float | None]] = {}
    for name, wanted in [("合计", None), *((labels.of(labels.CLOCKS, k), k) for k in kinds)]:
        values = []
        for _, start, end in buckets:
            due, met, _ = _attained([c for c in facts.clocks if start <= c.started_at < end
                                     and wanted in (None, c.clock)])
            values.append(round(met * 100 / due, 1) if due else None)
        series[name] = values
    return Chart("lines", [label for label, _, _ in buckets], series, "达成率（%）")


def _inspections(facts: Facts) -> Section:
    per: dict[str, Counter] = defaultdict(Counter)
    for r in facts.rounds:
        per[r.schedule_name][r.state.value] += 1
        per[r.schedule_name]["anomalies"] += r.anomalies
    rows = [[name, sum(c[s] for s in STATE_NAMES), c["recorded"], c["made_up"], c["missed"],
             c["upcoming"], c["anomalies"]] for name, c in per.items()]
    missed = [[r.schedule_name, minute_text(r.due_at), minute_text(r.deadline), STATE_NAMES[r.state.value]]
              for r in facts.rounds if r.state.value in ("missed", "made_up")]
    return Section("巡检情况", tables=[
        Table("表5 巡检完成情况",
              ["巡检计划", "计划次数", "按时完成", "逾期补录", "未巡检", "待巡检", "异常项"],
              rows, [14, 8, 8, 8, 8, 8, 8]),
        Table("表6 逾期及未完成巡检", ["巡检计划", "应巡检时间", "截止时间", "状态"], missed,
              [14, 18, 18, 14])])


def _worklog(facts: Facts) -> Section:
    return Section("工作日志", tables=[Table(
        "表7 工作日志", ["时间", "类别", "发起人", "处理人", "处理情况", "反馈"],
        [[minute_text(w.occurred_at), labels.of(labels.WORKLOG, w.category), w.initiator, w.handler,
          w.handling, w.feedback or ""] for w in facts.worklog], [18, 10, 10, 10, 50, 30])])


def _by_month(facts: Facts, period: Period) -> Section:
    rows = []
    for label, start, end in period.buckets():
        opened = [f for f in facts.faults if start <= f.created_at < end]
        due, met, breached = _attained([c for c in facts.clocks if start <= c.started_at < end])
        rounds = [r for r in facts.rounds if start <= r.due_at < end]
        rows.append([label, len(opened), sum(f.kind == "incident" for f in opened),
                     sum(f.status in DONE for f in opened), _percent(met, due), breached,
                     sum(r.state.value == "missed" for r in rounds)])
    return Section("总体运行分析", tables=[Table(
        "表8 分月运行情况", ["月份", "工单", "故障", "已解决", "SLA达成率", "超时", "未巡检"], rows,
        [8, 8, 8, 8, 10, 8, 8])])


def _shortcomings(facts: Facts, n: dict) -> Section:
    tickets = {f.id: f for f in facts.faults}
    rows = [[tickets[c.ticket_id].number if c.ticket_id in tickets else "", labels.of(labels.CLOCKS, c.clock),
             c.target, minute_text(c.started_at)] for c in facts.clocks if c.breached]
    return Section("存在的不足", paragraphs=[
        f"本年度SLA超时{n['sla_breached']}项，未巡检{n['rounds_missed']}次、逾期补录{n['rounds_made_up']}次，"
        f"期末仍有{n['open']}件工单未解决。"], tables=[Table(
            "表9 超时明细", ["工单", "时限", "目标", "开始时间"], rows, [14, 8, 14, 18])])


def _plan(open_faults: list[Fault], next_rounds: list, systems: dict[str, str]) -> Section:
    planned = Counter(r.schedule_name for r in next_rounds)
    return Section("下周工作计划", paragraphs=[
        f"下周计划巡检{sum(planned.values())}次；继续处理未解决工单{len(open_faults)}件。"], tables=[
        Table("表10 下周巡检计划", ["巡检计划", "次数"], [[name, n] for name, n in planned.items()], [14, 8]),
        Table("表11 待续处理工单", ["编号", "报告时间", "系统", "标题", "状态"],
              [[f.number, minute_text(f.created_at), systems.get(f.system, f.system), f.title,
                labels.of(labels.STATUSES, f.status)] for f in open_faults], [14, 18, 16, 40, 12])])


def _number(sections: list[Section]) -> None:
    """一、二、… for the headings; 表1…, 图1… in reading order for the captions, so a
    section left out leaves no hole."""
    tables = figures = 0
    for index, section in enumerate(sections):
        section.heading = f"{NUMERALS[index]}、{section.heading}"
        for table in section.tables:
            tables += 1
            table.caption = re.sub(r"^表\d*\s*", f"表{tables} ", table.caption)
        for figure in section.figures:
            figures += 1
            figure.caption = re.sub(r"^图\d*\s*", f"图{figures} ", figure.caption)


def build(period: Period, facts: Facts, project: str, vendor: str, *, open_faults: list[Fault] = (),
          next_rounds: list = (), staffing: dict | Denied | None = None,
          statement: dict | Denied | None = None) -> Report:
    """`staffing` (inventory) and `statement` (billing): their summaries for the same days,
    None when this kind of report has no such section."""
    numbers = summary(facts)
    sections = [_overview(numbers), _tasks(facts), _faults(facts), _sla(facts, period),
                _inspections(facts), _worklog(facts)]
    if facts.follow_ups is not None:
        sections.append(satisfaction.section(facts.follow_ups))
        numbers |= satisfaction.numbers(facts.follow_ups)
    if staffing is not None:
        sections.append(people.section(staffing, annual=period.kind == "annual"))
        if not isinstance(staffing, Denied):
            numbers |= people.numbers(staffing)
    if statement is not None:
        sections.append(money.section(statement))
        if not isinstance(statement, Denied):
            numbers |= money.numbers(statement)
    if period.kind == "weekly":
        sections.append(_plan(list(open_faults), list(next_rounds), facts.systems))
    if period.kind in ("quarterly", "half_yearly", "annual"):
        sections.insert(1, _by_month(facts, period))
    if period.kind == "annual":
        sections.append(_shortcomings(facts, numbers))
    _number(sections)
    # "…系统运维" + 月报; "…系统" + 运维月报
    title = f"{project}{'' if project.endswith('运维') else '运维'}{labels.TITLES[period.kind]}"
    return Report(
        kind=period.kind, title=title,
        facts=[("项目名称", project), ("报告期间", period.label),
               ("统计区间", f"{period.first.isoformat()} 至 {period.last.isoformat()}"),
               ("编制单位", vendor), ("生成时间", minute_text(datetime.now(SHANGHAI)))],
        sections=sections, numbers=numbers)
