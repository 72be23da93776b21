"""Every word the console shows, in one catalogue per language (zh-CN today), so another
language is a second dictionary, not an edit of every template. Templates call `_("key")`;
enumerations (statuses, priorities, …) go through `label("status", value)`."""

from __future__ import annotations

ZH_CN: dict[str, str] = {
    "product": "OpsPact 运维服务台",
    "signin.title": "登录",
    "signin.dev": "开发环境登录",
    "signin.dev_hint": "仅开发环境可用：选择租户与角色，签发与 opspact token issue 相同的令牌。",
    "signin.tenant": "租户（合同）",
    "signin.role": "角色",
    "signin.subject": "用户编号",
    "signin.submit": "登录",
    "signin.unavailable": "本环境未配置单点登录，请联系系统管理员。",
    "signin.expired": "登录已过期，请重新登录。",
    "signout": "退出登录",
    "tenant.switch": "切换租户",
    "tenant.current": "当前租户",
    "nav.queue": "工单队列",
    "nav.new": "新建工单",
    "nav.due": "即将超时",
    "queue.title": "工单队列",
    "queue.filters": "筛选",
    "queue.text": "关键词",
    "queue.any": "全部",
    "queue.apply": "筛选",
    "queue.reset": "清除",
    "queue.empty": "没有符合条件的工单。",
    "queue.total": "共 {total} 条",
    "queue.total_capped": "至少 {total} 条",
    "queue.prev": "上一页",
    "queue.next": "下一页",
    "queue.page": "第 {page} / {pages} 页",
    "queue.new_rows": "有新工单，点此刷新",
    "queue.select_all": "全选本页",
    "queue.selected": "已选 {count} 条",
    "queue.sort": "排序",
    "bulk.title": "批量操作",
    "bulk.assign": "批量指派",
    "bulk.transition": "批量变更状态",
    "bulk.comment": "批量备注",
    "bulk.apply": "执行",
    "bulk.done": "已处理 {ok} 条，失败 {failed} 条",
    "bulk.none": "请先勾选工单。",
    "col.number": "工单号",
    "col.title": "标题",
    "col.status": "状态",
    "col.priority": "优先级",
    "col.system": "系统",
    "col.assignee": "处理人",
    "col.channel": "来源",
    "col.clocks": "时限",
    "col.created": "创建时间",
    "ticket.back": "返回队列",
    "ticket.reporter": "报告人",
    "ticket.description": "问题描述",
    "ticket.clocks": "服务时限",
    "ticket.timeline": "处理记录",
    "ticket.comments": "沟通记录",
    "ticket.attachments": "附件",
    "ticket.actions": "处理",
    "ticket.note": "说明",
    "ticket.note_required": "重新打开须填写原因",
    "ticket.assignee": "指派给",
    "ticket.conflict": "工单已被他人更新（现为“{status}”），页面已刷新，请确认后再操作。",
    "ticket.moved": "已变更为“{status}”",
    "ticket.no_actions": "当前状态下没有可执行的操作。",
    "ticket.unassigned": "未指派",
    "comment.add": "添加备注",
    "comment.body": "内容",
    "comment.internal": "内部备注（报告人不可见）",
    "comment.public": "对外回复",
    "comment.submit": "提交",
    "comment.empty": "暂无沟通记录。",
    "comment.redacted": "（内容已删除）",
    "attachment.add": "上传附件",
    "attachment.hint": "可拖入文件，或在备注框中粘贴截图。",
    "attachment.empty": "暂无附件。",
    "attachment.uploaded": "已上传 {name}",
    "new.title": "新建工单（电话受理）",
    "new.reporter": "报告人",
    "new.system": "系统",
    "new.kind": "类型",
    "new.priority": "优先级",
    "new.title_field": "标题",
    "new.description": "问题描述",
    "new.channel": "受理渠道",
    "new.submit": "创建工单",
    "new.created": "已创建工单 {number}",
    "clock.breached": "已超时",
    "clock.met": "已达成",
    "clock.paused": "已暂停",
    "clock.cancelled": "已取消",
    "clock.calendar_missing": "缺少节假日历",
    "clock.remaining": "剩余",
    "clock.overdue": "超时",
    "clock.due": "到期",
    "error.title": "出错了",
    "error.forbidden": "您没有权限执行此操作。",
    "error.csrf": "页面已过期或请求来源不可信，请刷新页面后重试。",
    "error.not_found": "找不到该页面。",
    "error.back": "返回首页",
    "live.connected": "实时更新已连接",
    "live.disconnected": "实时更新已断开，正在重连…",
    "shortcuts.title": "快捷键",
    "shortcuts.help": "j/k 上下移动，o 打开，c 新建工单，/ 搜索，? 显示本帮助",
    "viewer.readonly": "只读视图：工单由运维单位处理。",
}

LABELS: dict[str, dict[str, str]] = {
    "status": {"new": "新建", "acknowledged": "已响应", "dispatched": "已派单", "on_site": "已到场",
               "waiting_other_unit": "等待其他单位", "waiting_finance_dept": "等待财政审批",
               "waiting_client": "等待甲方", "resolved": "已解决", "closed": "已关闭"},
    "priority": {"p1": "P1 紧急", "p2": "P2 高", "p3": "P3 中", "p4": "P4 低"},
    "kind": {"incident": "故障", "service_request": "服务请求", "consultation": "咨询"},
    "channel": {"hotline": "电话", "platform": "平台", "hook": "监控告警", "email": "邮件",
                "wechat_qq": "微信/QQ", "on_site": "现场", "inspection": "巡检"},
    "clock": {"response": "响应", "on_site": "到场", "resolution": "解决", "dispatch": "派单", "plan": "方案",
              "visit_agreed": "约定上门"},
    "role": {"client_admin": "甲方管理员", "client_viewer": "甲方查看", "vendor_engineer": "运维工程师",
             "vendor_manager": "项目经理", "finance": "财务", "auditor": "审计",
             "integration": "系统集成", "platform_admin": "平台管理员"},
    "visibility": {"internal": "内部", "public": "对外"},
    "sort": {"-created_at": "最新创建", "created_at": "最早创建", "due": "最先到期",
             "-updated_at": "最近更新", "priority": "优先级", "relevance": "相关度"},
}

CATALOGUES = {"zh-CN": (ZH_CN, LABELS)}


class Messages:
    def __init__(self, language: str = "zh-CN") -> None:
        self.texts, self.labels = CATALOGUES[language]
        self.language = language

    def __call__(self, key: str, **values) -> str:
        text = self.texts.get(key, key)  # a missing key shows itself, and a test lists them
        return text.format(**values) if values else text

    def label(self, kind: str, value) -> str:
        if value is None:
            return ""
        value = getattr(value, "value", value)
        return self.labels.get(kind, {}).get(value, str(value))
