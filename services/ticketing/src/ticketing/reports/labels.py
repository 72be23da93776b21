"""What people call things in the reports (zh-CN)."""

KINDS = {"incident": "故障", "service_request": "服务请求", "consultation": "咨询"}
PRIORITIES = {"p1": "一级（重大）", "p2": "二级", "p3": "三级", "p4": "四级"}
STATUSES = {"new": "新建", "acknowledged": "已响应", "dispatched": "已派单", "on_site": "已到场",
            "waiting_other_unit": "待其他单位", "waiting_finance_dept": "待财政部门",
            "waiting_client": "待甲方", "resolved": "已解决", "closed": "已关闭"}
CHANNELS = {"hotline": "电话", "platform": "平台", "hook": "系统对接", "email": "邮件",
            "wechat_qq": "微信/QQ", "on_site": "现场", "inspection": "巡检发现",
            "follow_up": "回访"}
CLOCKS = {"response": "响应", "on_site": "到场", "resolution": "解决"}
TITLES = {"weekly": "周报", "monthly": "月报", "quarterly": "季度报告", "half_yearly": "半年报告",
          "annual": "年度报告"}


def of(table: dict[str, str], code: str | None) -> str:
    return table.get(code or "", code or "")
DAMAGE_STATES = {"proposed": "待确认", "confirmed": "已确认", "waived": "已免除", "deducted": "已扣减"}
COVERAGE = {"5x8": "5×8（工作日）", "7x8": "7×8", "7x24": "7×24", "off_days": "节假日值守"}
WORKLOG = {"fault": "故障处理", "consultation": "咨询解答", "inspection": "巡检", "change": "变更实施",
           "maintenance": "日常维护", "data": "数据处理", "security": "安全保障", "training": "培训",
           "other": "其他"}
