"""The faults of the year, as the vendor's spreadsheet would list them (ticketing's
import columns): arrivals at plausible rates per system with working-hours peaks, a few
storms from the monitors, and each worked by whoever was on shift — acknowledged,
sometimes visited, resolved and closed, most within the contract's clocks and some not."""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import datetime, timedelta

from opspact.demo.people import Engineer, Shift
from opspact.demo.period import Period, at

# relative chance of a fault arriving in each hour of the day (Asia/Shanghai)
HOURLY = (1, 1, 1, 1, 1, 1, 2, 4, 8, 12, 12, 10, 6, 6, 10, 12, 11, 9, 6, 4, 3, 2, 2, 1)
PER_DAY = {"core": 0.9, "other": 0.2}  # faults a day per system, before the weekend dip
SYMPTOMS = ("服务无响应", "页面访问缓慢", "接口调用超时", "数据同步延迟", "用户登录失败", "业务办理报错",
            "数据库连接数过高", "磁盘空间告警", "CPU使用率持续偏高", "证书即将到期", "网络链路中断",
            "打印输出异常")
REQUESTS = ("账号开通", "权限调整", "数据导出", "配置参数调整", "历史数据查询")
QUESTIONS = ("业务操作咨询", "统计口径咨询", "系统使用培训咨询")
MONITOR_SYMPTOMS = ("监控告警：服务健康检查失败", "监控告警：响应时间超阈值", "监控告警：进程异常退出")
CHANNELS = ("hotline", "hotline", "platform", "wechat_qq")
REPORTED = ("甲方值班人员来电报告", "业务窗口反映", "巡检中发现", "用户在平台留言反映")
COLUMNS = ("import_id", "system", "title", "created_at", "kind", "priority", "channel", "description",
           "reporter", "assignee", "acknowledged_at", "dispatched_at", "on_site_at", "resolved_at",
           "closed_at")


def _minutes(rng, usual: tuple[int, int], late: tuple[int, int], late_share: float) -> timedelta:
    low, high = late if rng.random() < late_share else usual
    return timedelta(minutes=rng.uniform(low, high))


def _shift_index(rostered: list[Shift]) -> dict:
    by_day = defaultdict(list)
    for shift in rostered:
        by_day[shift.starts_at.date()].append(shift)
    return by_day


def _worker(by_day, fallback: list[Engineer], moment: datetime, rng) -> str:
    day = moment.date()
    here = [s.staff for d in (day, day - timedelta(days=1)) for s in by_day.get(d, ())
            if s.starts_at <= moment < s.ends_at]
    return rng.choice(here) if here else rng.choice(fallback).code  # out of hours: the one on call


def _row(rng, tenant: str, n: int, system: dict, created: datetime, now: datetime, worker: str,
         storm: bool = False, slow: bool = False) -> dict:
    roll = rng.random()
    if storm or roll < 0.75:
        kind, channel = "incident", "hook" if storm else rng.choice(CHANNELS)
        title = rng.choice(MONITOR_SYMPTOMS if storm else SYMPTOMS)
        priority = "p2" if storm else rng.choices(("p1", "p2", "p3", "p4"), (4, 18, 60, 18))[0]
    elif roll < 0.9:
        kind, channel, priority = "service_request", "hotline", "p3"
        title = rng.choice(REQUESTS)
    else:
        kind, channel, priority = "consultation", rng.choice(("hotline", "wechat_qq")), "p4"
        title = rng.choice(QUESTIONS)
    # The usual path fits the tightest clocks of the five contracts (response 15–30 min,
    # on site 2 h, resolution 4 h); the rare slow step is what breaches them.
    ack = created + _minutes(rng, (1, 8), (20, 90), 0.006)
    dispatched = ack + _minutes(rng, (2, 20), (130, 300), 0.004)
    visit = (dispatched + _minutes(rng, (15, 50), (150, 360), 0.01)
             if kind == "incident" and rng.random() < 0.35 else None)
    resolved = (visit or dispatched) + _minutes(rng, (10, 55), (600, 4 * 24 * 60), 1.0 if slow else 0.008)
    closed = resolved + timedelta(hours=rng.uniform(4, 72))
    steps = {"acknowledged_at": ack, "dispatched_at": dispatched, "on_site_at": visit,
             "resolved_at": resolved, "closed_at": closed}
    for name, when in list(steps.items()):
        if when is not None and when > now:  # still being worked on now
            for later in list(steps)[list(steps).index(name):]:
                steps[later] = None
            break
    return {"import_id": f"demo-{tenant}-{n:05d}", "system": system["code"], "title": title,
            "created_at": created.isoformat(), "kind": kind, "priority": priority, "channel": channel,
            "description": "监控平台自动推送" if storm else rng.choice(REPORTED),
            "reporter": "监控平台" if storm else "甲方值班人员", "assignee": worker,
            **{k: (v.isoformat() if v else "") for k, v in steps.items()}}


def rows(period: Period, people: list[Engineer], rostered: list[Shift], seed: int,
         now: datetime, scale: float = 1.0) -> list[dict]:
    """The year's faults; `scale` multiplies the arrival rates (benches want 50,000)."""
    rng = period.rng(seed, "faults")
    systems = period.settings("ticketing").get("systems") or []
    by_day = _shift_index(rostered)
    end = min(period.end, now)
    found: list[tuple[datetime, dict, bool]] = []
    for day in period.days():
        dip = 1.0 if period.is_workday(day) else 0.4
        for system in systems:
            rate = PER_DAY["core" if system.get("core") else "other"] * dip * scale
            for _ in range(_poisson(rng, rate)):
                hour = rng.choices(range(24), HOURLY)[0]
                moment = at(day, datetime.min.time()) + timedelta(hours=hour, minutes=rng.uniform(0, 60))
                found.append((moment, system, False))
    for _ in range(3 if systems else 0):  # storms: a monitor repeating itself for an hour
        day, system = rng.choice(period.days()), rng.choice(systems)
        start = at(day, datetime.min.time()) + timedelta(hours=rng.randint(0, 23))
        repeats = rng.randint(6, 14)
        found += [(start + timedelta(minutes=rng.uniform(0, 60)), system, True) for _ in range(repeats)]
    found = sorted((f for f in found if f[0] < end), key=lambda f: f[0])
    slow = set(rng.sample(range(len(found)), min(3, len(found))))  # every contract sees a few late
    return [_row(rng, period.tenant, n + 1, system, created, now, _worker(by_day, people, created, rng),
                 storm, n in slow) for n, (created, system, storm) in enumerate(found)]


def _poisson(rng, rate: float) -> int:
    """Knuth's method: rates here are a few a day."""
    limit, count, product = math.exp(-rate), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count
