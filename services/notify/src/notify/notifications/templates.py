"""zh-CN message templates, times shown in Asia/Shanghai."""

from datetime import datetime
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
PRIORITY_LABELS = {"p1": "重大", "p2": "紧急", "p3": "一般", "p4": "低"}
KIND_LABELS = {"incident": "故障", "service_request": "服务请求", "consultation": "咨询"}


def local_time(iso: str) -> str:
    return datetime.fromisoformat(iso).astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


def ticket_created(data: dict) -> str:
    kind = KIND_LABELS.get(data.get("kind", ""), "工单")
    priority = PRIORITY_LABELS.get(data.get("priority", ""), data.get("priority", ""))
    system = data.get("system_name") or data.get("system", "")
    return (f"【新{kind}】{data['number']}（{priority}）{system}：{data['title']}。"
            f"报告时间 {local_time(data['created_at'])}，请及时响应。")
