"""What notify can route: the event types it listens to, and its built-in zh-CN templates.

A template is a set of named *fields*, each a Jinja2 expression over the event's data,
and a *text* over those fields. SMS providers in China send only templates approved in
advance, with the variable parts as parameters: the provider's template is this text with
its fields as `${name}` (Alibaba) or `{1}…` in field order (Tencent), and we send the
fields. The local sink, email and chat get the whole text. Tenants save their own versions
of these templates (`notify.templates`); these are version 0."""

from __future__ import annotations

from dataclasses import dataclass

# Routable event types and what people call them.
EVENTS: dict[str, str] = {
    "ticketing.ticket.created.v1": "新工单",
    "ticketing.ticket.status_changed.v1": "工单状态变化",
    "ticketing.ticket.assigned.v1": "工单指派",
    "ticketing.ticket.resolved.v1": "工单已解决",
    "ticketing.sla.warning.v1": "SLA 即将超时",
    "ticketing.sla.breached.v1": "SLA 已超时",
    "ticketing.inspection.missed.v1": "巡检未按时完成",
    "ticketing.change.submitted.v1": "变更待审批",
    "ticketing.report.published.v1": "报告已归档",
    "ticketing.effort.warning.v1": "工作量预算预警",
    "ticketing.ticket.mentioned.v1": "评论中提到",
    "ticketing.ticket.mail_reply.v1": "邮件工单的答复",
    "ticketing.deliverable.due.v1": "交付物即将到期",
    "ticketing.deliverable.overdue.v1": "交付物逾期未交",
    "ticketing.deliverable.submitted.v1": "交付物待签收",
    "ticketing.deliverable.accepted.v1": "交付物已签收",
    "ticketing.deliverable.rejected.v1": "交付物被退回",
    "ticketing.report.accepted.v1": "报告已签收",
    "ticketing.report.rejected.v1": "报告被退回",
    "ticketing.follow_up.requested.v1": "服务回访",
    "ticketing.follow_up.answered.v1": "回访结果",
    "inventory.roster.gap.v1": "值班缺口",
    "inventory.training.missing.v1": "培训未按月开展",
    "inventory.attendance.missed.v1": "班次未签到",
    "inventory.credential.rotation_overdue.v1": "账号轮换逾期",
    "billing.milestone.due.v1": "付款节点到期",
    "billing.milestone.overdue.v1": "付款逾期",
    "billing.penalty.proposed.v1": "违约金拟计",
    "billing.cap.reached.v1": "违约金达到上限",
    "billing.termination_right.raised.v1": "出现解约权",
}


@dataclass(frozen=True)
class Template:
    name: str
    title: str
    events: tuple[str, ...]  # the event types whose data it renders (the sample is the first's)
    fields: tuple[tuple[str, str], ...]
    text: str
    sample: dict
    # Mail only: a long text no SMS provider approves in advance (a rule sends it by email)
    email_only: bool = False
    # SMS segments its sample may take: one, but for a text that carries a link (an address
    # with a one-time token is 50–60 characters of the 70 a segment holds)
    segments: int = 1


_TICKET = {"ticket_id": "00000000-0000-0000-0000-000000000001", "number": "T2026-000123",
           "kind": "incident", "priority": "p1", "status": "new", "system": "12123-fees",
           "system_name": "交管12123缴费", "title": "缴费失败", "assignee": None,
           "created_at": "2026-11-21T16:05:00+00:00"}
_CLOCK = {**_TICKET, "clock": "resolution", "target": "4h", "policy": "p1",
          "started_at": "2026-11-21T16:05:00+00:00", "due_at": "2026-11-21T20:05:00+00:00"}
_MILESTONE = {"milestone": "final", "name": "尾款", "clause": "第四条", "amount": "539000.00",
              "net_payable": "539000.00", "outstanding": "539000.00", "payable_from": "2026-11-21",
              "due_on": "2026-12-21", "invoice_first": False, "invoiced": "0.00", "days_past_due": 0}

_DELIVERABLE = {"code": "acceptance", "name": "项目验收", "period": "once",
                "label": "项目验收（验收申请及验收资料）", "due_on": "2025-11-15",
                "clause": "服务期满前一个月由甲方组织对项目进行验收"}
_VERSION = {"version": 1, "filename": "验收申请.pdf", "sha256": "0" * 64, "size": 1024,
            "submitted_by": "xj-manager", "submitted_at": "2025-11-10T02:00:00+00:00"}

TEMPLATES: dict[str, Template] = {t.name: t for t in (
    Template("ticket_created", "新工单", ("ticketing.ticket.created.v1",), (
        ("kind", "{{ kind | kind_label }}"), ("number", "{{ number }}"),
        ("priority", "{{ priority | priority_label }}"),
        ("system", "{{ system_name or system }}"), ("title", "{{ title | truncate_text(20) }}"),
        ("time", "{{ created_at | local_time }}")),
        "{{ kind }}{{ number }}（{{ priority }}）{{ system }}：{{ title }}，{{ time }}报告，请及时响应。",
        _TICKET),
    Template("sla_warning", "SLA 即将超时", ("ticketing.sla.warning.v1",), (
        ("number", "{{ number }}"), ("clock", "{{ clock | clock_label }}"),
        ("due", "{{ due_at | local_time }}"), ("title", "{{ title | truncate_text(20) }}")),
        "工单{{ number }}{{ clock }}时限将于{{ due }}到期：{{ title }}，请抓紧处理。", _CLOCK),
    Template("sla_breached", "SLA 已超时", ("ticketing.sla.breached.v1",), (
        ("number", "{{ number }}"), ("clock", "{{ clock | clock_label }}"),
        ("due", "{{ due_at | local_time }}"), ("title", "{{ title | truncate_text(20) }}")),
        "工单{{ number }}{{ clock }}已超时（应于{{ due }}前）：{{ title }}，可能产生违约金。", _CLOCK),
    Template("ticket_progress", "工单进展", ("ticketing.ticket.status_changed.v1",
                                        "ticketing.ticket.assigned.v1", "ticketing.ticket.resolved.v1"), (
        ("number", "{{ number }}"), ("status", "{{ status | status_label }}"),
        ("title", "{{ title | truncate_text(20) }}")),
        "工单{{ number }}已{{ status }}：{{ title }}。",
        {**_TICKET, "status": "acknowledged", "from": "new", "to": "acknowledged", "actor": "engineer-1",
         "at": "2026-11-21T16:10:00+00:00"}),
    Template("inspection_missed", "巡检未按时完成", ("ticketing.inspection.missed.v1",), (
        ("schedule", "{{ schedule_name }}"), ("time", "{{ scheduled_at | local_time }}")),
        "{{ schedule }}（计划{{ time }}）未按时完成，请尽快补做并记录。",
        {"round": "daily@2026-11-21T09:00", "schedule": "daily", "schedule_name": "日常巡检",
         "scheduled_at": "2026-11-21T01:00:00+00:00", "due_at": "2026-11-21T02:00:00+00:00",
         "heightened": False}),
    Template("change_waiting", "变更待审批", ("ticketing.change.submitted.v1",), (
        ("number", "{{ number }}"), ("risk", "{{ risk | risk_label }}"),
        ("title", "{{ title | truncate_text(20) }}"), ("window", "{{ window_start | local_time }}")),
        "变更{{ number }}（{{ risk }}）待您审批：{{ title }}，计划{{ window }}实施。",
        {"change_id": "00000000-0000-0000-0000-000000000002", "number": "CH-0001", "kind": "normal",
         "risk": "high", "system": "gaw-fee", "title": "升级缴费网关", "status": "submitted",
         "window_start": "2026-11-22T14:00:00+00:00", "window_end": "2026-11-22T16:00:00+00:00"}),
    Template("roster_gap", "值班缺口", ("inventory.roster.gap.v1",), (
        ("post", "{{ post }}"), ("start", "{{ starts_at | local_time }}"),
        ("end", "{{ ends_at | local_time }}"), ("missing", "{{ required - covered }}")),
        "值班缺口：{{ post }}岗 {{ start }}至{{ end }}尚缺{{ missing }}人，请排班。",
        {"post": "hq", "starts_at": "2026-11-22T02:00:00+00:00", "ends_at": "2026-11-22T10:00:00+00:00",
         "required": 3, "covered": 2, "hours": 8}),
    Template("effort_warning", "工作量预算预警", ("ticketing.effort.warning.v1",), (
        ("budget", "{{ budget }}"), ("used", "{{ used }}"), ("total", "{{ total }}"),
        ("percent", "{{ percent }}"), ("change", "{{ change }}")),
        "{{ budget }}已用{{ used }}人月（合同{{ total }}人月，{{ percent }}%），最近计入变更{{ change }}，"
        "请控制后续工作量。",
        {"budget": "功能升级改造", "state": "warning", "used": "2.45", "total": "3", "remaining": "0.55",
         "percent": "81.6", "change": "C2026-000012", "change_title": "派出所综合查询页面改版",
         "change_used": "1.20", "each_under": None, "over_item_limit": False}),
    Template("credential_overdue", "账号轮换逾期", ("inventory.credential.rotation_overdue.v1",), (
        ("account", "{{ account }}"), ("asset", "{{ asset }}"), ("days", "{{ days_overdue }}")),
        "{{ asset }}的账号{{ account }}已逾期{{ days }}天未更换口令，请安排轮换。",
        {"code": "db-admin", "asset": "db-01", "account": "admin", "days_overdue": 3,
         "rotation_due_at": "2026-11-18T00:00:00+00:00"}),
    Template("milestone_due", "付款节点到期", ("billing.milestone.due.v1",), (
        ("name", "{{ name }}"), ("amount", "{{ outstanding }}"), ("due", "{{ due_on }}")),
        "付款节点“{{ name }}”已可申请付款：应付{{ amount }}元，付款期限{{ due }}，请备齐发票和材料。",
        _MILESTONE),
    Template("milestone_overdue", "付款逾期", ("billing.milestone.overdue.v1",), (
        ("name", "{{ name }}"), ("amount", "{{ outstanding }}"), ("due", "{{ due_on }}"),
        ("days", "{{ days_past_due }}")),
        "付款节点“{{ name }}”已逾期{{ days }}天（应于{{ due }}前支付），尚欠{{ amount }}元，请跟进。",
        {**_MILESTONE, "days_past_due": 12}),
    Template("penalty_proposed", "违约金拟计", ("billing.penalty.proposed.v1",), (
        ("amount", "{{ amount }}"), ("rule", "{{ rule }}")),
        "拟计违约金{{ amount }}元（{{ rule }}），请在系统中确认或说明。",
        {"key": "k", "rule": "inspection_late", "clause": "第五条", "amount": "4248.00",
         "state": "proposed"}),
    Template("cap_reached", "违约金达到上限", ("billing.cap.reached.v1",), (
        ("total", "{{ total }}"), ("cap", "{{ cap }}")),
        "违约金累计{{ total }}元，已达合同上限{{ cap }}元，请项目经理关注。",
        {"cap": "95500.00", "total": "95500.00", "clause": "第九条"}),
    Template("termination_right", "出现解约权", ("billing.termination_right.raised.v1",), (
        ("reason", "{{ reason | truncate_text(30) }}"),),
        "出现合同解约权：{{ reason }}，请项目经理立即跟进。",
        {"key": "k", "rule": "third_breach", "clause": "第八条", "reason": "第三次违约",
         "event_ids": []}),
    # appended: the sink numbers approved templates in this order
    Template("report_published", "报告已归档", ("ticketing.report.published.v1",), (
        ("report", "{{ label }}{{ kind_name }}"),
        ("version", "{{ version }}"),
        ("tickets", "{{ tickets }}"), ("sla", "{{ sla_attainment }}"), ("missed", "{{ rounds_missed }}")),
        "{{ report }}（第{{ version }}版）已归档：工单{{ tickets }}件，SLA达成率{{ sla }}，"
        "漏巡检{{ missed }}次，请登录查阅、盖章。",
        {"archive_id": 1, "kind": "monthly", "kind_name": "月报", "period": "2026-10", "label": "2026年10月",
         "title": "交警业务收费系统运维月报", "version": 1, "reason": None, "first": "2026-10-01",
         "last": "2026-10-31", "published_by": "report-scheduler",
         "published_at": "2026-11-01T01:30:00+00:00",
         "files": {"docx": {"sha256": "0" * 64, "size": 1}, "pdf": {"sha256": "0" * 64, "size": 1}},
         "tickets": 42, "sla_attainment": "97.6%", "rounds_missed": 0}),
    Template("mentioned", "评论中提到您", ("ticketing.ticket.mentioned.v1",), (
        ("author", "{{ author }}"), ("number", "{{ number }}"),
        ("title", "{{ title | truncate_text(15) }}"), ("excerpt", "{{ excerpt | truncate_text(30) }}")),
        "{{ author }}在工单{{ number }}（{{ title }}）中提到您：{{ excerpt }}",
        {**_TICKET, "comment_id": 7, "author": "zh-engineer", "visibility": "internal",
         "mentioned": ["zh-manager"], "excerpt": "@zh-manager 请协调视频云平台值班"}),
    Template("training_missing", "培训未按月开展", ("inventory.training.missing.v1",), (
        ("name", "{{ name }}"), ("month", "{{ month }}"), ("days", "{{ days_left }}")),
        "{{ name }}本月（{{ month }}）尚未开展，距月底还有{{ days }}天，请安排并在系统中记录。",
        {"kind": "security", "name": "信息保密安全培训", "month": "2026-12", "due_by": "2026-12-31",
         "days_left": 5, "last_held_on": "2026-11-20", "clause": "1.5-1"}),
    Template("checkin_missed", "班次未签到", ("inventory.attendance.missed.v1",), (
        ("staff", "{{ staff }}"), ("post", "{{ post }}"), ("start", "{{ starts_at | local_time }}"),
        ("minutes", "{{ minutes_since_start }}")),
        "{{ staff }}（{{ post }}岗）{{ start }}开始的班次已过{{ minutes }}分钟仍未签到，请核实到岗情况。",
        {"shift_id": 42, "post": "hq", "staff": "engineer-a", "starts_at": "2026-12-01T02:00:00+00:00",
         "ends_at": "2026-12-01T10:00:00+00:00", "minutes_since_start": 15}),
    # The desk's public answer to a ticket that came by mail, sent back in the mail's thread
    # (email only: the text is the engineer's own, not a template an SMS provider approved).
    Template("mail_reply", "工单答复", ("ticketing.ticket.mail_reply.v1",), (
        ("body", "{{ body }}"), ("number", "{{ number }}"), ("status", "{{ status | status_label }}")),
        "{{ body }}\n\n——工单{{ number }}（当前状态：{{ status }}）。直接回复本邮件即可补充情况。",
        {**_TICKET, "comment_id": 8, "author": "zh-engineer", "to": "reporter@example.com",
         "body": "您好，已定位为接口限流，预计今日18时前恢复。",
         "mail": {"message_id": "<t.1@opspact.example>", "in_reply_to": "<a@example.com>",
                  "references": ["<a@example.com>"], "subject": "Re: 门禁无法刷卡 [T2026-000123]",
                  "reply_to": "ops@opspact.example"}}, email_only=True),
    # Deliverables (交付物) and the client's sign-off
    Template("deliverable_due", "交付物即将到期", ("ticketing.deliverable.due.v1",), (
        ("item", "{{ label | truncate_text(30) }}"), ("due", "{{ due_on | local_date }}"),
        ("days", "{{ days_left }}")),
        "{{ item }}应于{{ due }}前提交甲方，还有{{ days }}天，请准备并上传。",
        {**_DELIVERABLE, "days_left": 3}),
    Template("deliverable_overdue", "交付物逾期未交", ("ticketing.deliverable.overdue.v1",), (
        ("item", "{{ label | truncate_text(30) }}"), ("due", "{{ due_on | local_date }}"),
        ("days", "{{ days_late }}")),
        "{{ item }}应于{{ due }}前提交甲方，已逾期{{ days }}天，请尽快提交。",
        {**_DELIVERABLE, "days_late": 1}),
    Template("deliverable_submitted", "交付物待签收", ("ticketing.deliverable.submitted.v1",), (
        ("item", "{{ label | truncate_text(30) }}"), ("version", "{{ version }}")),
        "{{ item }}（第{{ version }}版）已提交，请登录查阅并签收。",
        {**_DELIVERABLE, **_VERSION, "note": None}),
    Template("deliverable_decided", "交付物签收结果", ("ticketing.deliverable.accepted.v1",
                                                   "ticketing.deliverable.rejected.v1"), (
        ("item", "{{ label | truncate_text(30) }}"), ("version", "{{ version }}"),
        ("decision", "{{ decision | decision_label }}"),
        ("comment", "{{ comment | truncate_text(40) if comment else '无' }}")),
        "{{ item }}（第{{ version }}版）甲方{{ decision }}，意见：{{ comment }}。",
        {**_DELIVERABLE, **_VERSION, "decision": "accepted", "comment": None, "signed_by": "xj-sysadmin",
         "method": "pki", "signed_at": "2025-11-20T03:00:00+00:00", "records": "acceptance",
         "on": "2025-11-20"}),
    Template("report_decided", "报告签收结果", ("ticketing.report.accepted.v1",
                                              "ticketing.report.rejected.v1"), (
        ("report", "{{ label }}{{ kind_name }}"), ("version", "{{ version }}"),
        ("decision", "{{ decision | decision_label }}"),
        ("comment", "{{ comment | truncate_text(40) if comment else '无' }}")),
        "{{ report }}（第{{ version }}版）甲方{{ decision }}，意见：{{ comment }}。",
        {"archive_id": 1, "kind": "monthly", "kind_name": "月报", "period": "2026-10", "label": "2026年10月",
         "title": "交警业务收费系统运维月报", "version": 1, "format": "pdf", "sha256": "0" * 64,
         "decision": "accepted", "comment": None, "signed_by": "xj-sysadmin", "method": "token",
         "signed_at": "2026-11-03T02:00:00+00:00"}),
    # 回访: to the reporter's own mobile (address:mobile), with the one-time link
    Template("follow_up_request", "服务回访", ("ticketing.follow_up.requested.v1",), (
        ("number", "{{ number }}"), ("title", "{{ title | truncate_text(16) }}"), ("link", "{{ link }}")),
        "您报告的“{{ title }}”（工单{{ number }}）已处理完毕，请对本次服务评分：{{ link }}",
        {"follow_up_id": 1, "ticket_id": "00000000-0000-0000-0000-000000000001", "number": "T2026-000123",
         "kind": "incident", "title": "缴费失败", "system": "12123-fees",
         "resolved_at": "2026-11-21T08:00:00+00:00", "due_at": "2026-11-24T08:00:00+00:00", "channel": "sms",
         "mobile": "13800000001", "link": "https://ops.example.cn/f/xinjiang/AbCdEfGhIjKlMnOpQrStUv",
         "expires_at": "2026-11-28T08:00:00+00:00"}, segments=2),
    Template("follow_up_answered", "回访结果", ("ticketing.follow_up.answered.v1",), (
        ("number", "{{ number }}"), ("score", "{{ score }}"),
        ("comment", "{{ comment | truncate_text(40) if comment else '无' }}")),
        "工单{{ number }}回访评分{{ score }}分，意见：{{ comment }}。",
        {"follow_up_id": 1, "ticket_id": "00000000-0000-0000-0000-000000000001", "number": "T2026-000123",
         "kind": "incident", "title": "缴费失败", "system": "12123-fees",
         "resolved_at": "2026-11-21T08:00:00+00:00", "due_at": "2026-11-24T08:00:00+00:00", "channel": "sms",
         "score": 2, "comment": "处理太慢", "via": "link", "answered_at": "2026-11-21T10:00:00+00:00",
         "complaint_ticket_id": None}),
)}
