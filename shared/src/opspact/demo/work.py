"""The routine work of the year: inspection rounds recorded (a few late, made up), the
work log, the knowledge base the team wrote, and changes through their approval chain."""

from __future__ import annotations

from datetime import datetime, timedelta

from opspact.demo.people import Engineer
from opspact.demo.period import Period, at

ANOMALY_NOTES = ("磁盘使用率超过80%，已清理日志", "备份作业延迟完成，已复核", "接口响应偏慢，已持续观察",
                 "发现告警记录，已处理并复测正常")
ARTICLES = (
    ("数据库连接数过高的排查与处置", "高峰时段业务报错，数据库连接数接近上限。", "数据库服务器、应用中间件",
     "先查看活动会话与慢查询，确认是否有长事务未提交；临时扩大连接池并终止异常会话，随后优化相关查询。",
     ["数据库", "性能"]),
    ("磁盘空间告警的处置流程", "巡检发现服务器磁盘使用率超过80%。", "应用服务器、日志目录",
     "确认占用来源（日志、备份、临时文件），按保留策略清理并压缩归档；调整日志轮转配置，避免再次告警。",
     ["巡检", "磁盘"]),
    ("接口调用超时的定位方法", "对接接口批量超时，业务页面数据加载失败。", "对接接口、网络链路",
     "依次检查网络连通性、对端服务状态与证书有效期；记录超时时段，联系接口提供方共同排查。",
     ["接口", "网络"]),
    ("证书到期更换步骤", "系统证书即将到期，需在到期前完成更换。", "Web服务、数字证书",
     "提前30天申请新证书；在变更窗口内替换并重启服务，验证HTTPS访问与证书链完整。", ["证书", "变更"]),
)
CHANGES = (
    ("upgrade", "medium", "应用版本升级（修复已知缺陷）", "按升级手册停服部署新版本，验证核心业务流程。",
     "保留旧版本安装包与数据库备份，验证失败即回退并恢复备份。"),
    ("business_config", "low", "业务参数调整", "在管理后台调整参数并复核生效范围。", "恢复调整前的参数值。"),
)


def round_record(rng, planned: dict, items: list[dict], inspector: str, now: datetime) -> dict | None:
    """Most rounds on time; about one in thirty after the deadline (missed, then made up)."""
    due, deadline = datetime.fromisoformat(planned["due_at"]), datetime.fromisoformat(planned["deadline"])
    late = rng.random() < 0.035
    started = (deadline + timedelta(minutes=rng.uniform(30, 300))) if late else due + timedelta(
        minutes=rng.uniform(0, 20))
    ended = started + timedelta(minutes=rng.uniform(15, 40))
    if ended > now:
        return None
    results = []
    for item in items:
        anomaly = rng.random() < 0.015
        results.append({"item": item["item"], "status": "anomaly" if anomaly else "ok",
                        **({"note": rng.choice(ANOMALY_NOTES)} if anomaly else {})})
    return {"inspector": inspector, "started_at": started.isoformat(), "ended_at": ended.isoformat(),
            "items": results}


def worklog(period: Period, people: list[Engineer], seed: int, now: datetime) -> list[dict]:
    """A weekly maintenance entry and a monthly data check, by the engineers in turn."""
    rng = period.rng(seed, "worklog")
    systems = period.settings("ticketing").get("systems") or []
    entries = []
    for n, day in enumerate(period.days()):
        if not systems or day.weekday() != 2 or at(day, datetime.min.time()) + timedelta(hours=16) > now:
            continue
        system = systems[n % len(systems)]
        monthly = day.day <= 7
        entries.append({
            "category": "data" if monthly else "maintenance",
            "occurred_at": (at(day, datetime.min.time()) + timedelta(hours=15)).isoformat(),
            "system": system["code"], "initiator": "项目经理（演示）",
            "handler": people[n % len(people)].name,
            "handling": (f"{system['name']}月度数据核对，抽查数据完整性与同步情况，未见异常。" if monthly
                         else f"{system['name']}例行维护：清理日志、检查备份与补丁状态。"),
            "minutes_spent": rng.choice((60, 90, 120))})
    return entries


def articles(period: Period) -> list[dict]:
    systems = [s["code"] for s in period.settings("ticketing").get("systems") or []][:2]
    return [{"title": title, "background": background, "applies_to": applies, "summary": summary,
             "systems": systems, "tags": tags} for title, background, applies, summary, tags in ARTICLES]


def changes(period: Period, now: datetime) -> list[dict]:
    """Changes planned for the coming week (a window must include the moment it starts,
    so history cannot hold them): one to be approved through the chain, one waiting."""
    systems = period.settings("ticketing").get("systems") or []
    if not systems:
        return []
    start = at((now + timedelta(days=7)).date(), datetime.min.time()) + timedelta(hours=20)
    return [{"kind": kind, "risk": risk, "system": systems[0]["code"], "title": title,
             "description": "演示数据", "plan": plan, "rollback_plan": rollback,
             "window_start": (start + timedelta(days=n)).isoformat(),
             "window_end": (start + timedelta(days=n, hours=2)).isoformat()}
            for n, (kind, risk, title, plan, rollback) in enumerate(CHANGES)]
