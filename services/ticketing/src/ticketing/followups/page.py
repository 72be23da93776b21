"""The page the follow-up SMS links to: a phone-sized form, zh-CN, no script, no login.
Nothing the reporter typed is trusted: every value is escaped, and the page allows no script,
no frame and no form target but itself (its own CSP)."""

from __future__ import annotations

from html import escape

from opspact.calendar import minute_text
from starlette.responses import HTMLResponse

from ticketing.followups.models import FollowUp
from ticketing.tickets.models import Ticket

SCORES = ((5, "非常满意"), (4, "满意"), (3, "一般"), (2, "不满意"), (1, "非常不满意"))
CSP = ("default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; "
       "base-uri 'none'")
STYLE = """
body{font-family:"Noto Sans CJK SC","WenQuanYi Micro Hei","Microsoft YaHei",sans-serif;margin:0;
background:#f4f6f8;color:#1f2933;font-size:16px;line-height:1.6}
main{max-width:32rem;margin:0 auto;padding:1.25rem}
h1{font-size:1.3rem;margin:.5rem 0 1rem}
.card{background:#fff;border-radius:8px;padding:1rem 1.1rem;box-shadow:0 1px 3px rgba(0,0,0,.12);
margin-bottom:1rem}
.muted{color:#52606d;font-size:.9rem}
fieldset{border:0;padding:0;margin:0 0 1rem}
legend{font-weight:600;margin-bottom:.5rem}
label.score{display:flex;align-items:center;gap:.6rem;padding:.6rem .7rem;border:1px solid #cbd2d9;
border-radius:6px;margin-bottom:.5rem;background:#fff}
label.score input{width:1.2rem;height:1.2rem}
textarea{width:100%;box-sizing:border-box;min-height:6rem;font:inherit;padding:.5rem;border:1px solid #9aa5b1;
border-radius:6px}
button{width:100%;font:inherit;font-weight:600;color:#fff;background:#0b5cad;border:0;border-radius:6px;
padding:.8rem;margin-top:1rem}
.error{color:#9b1c1c}
"""


def _page(title: str, body: str, status: int = 200) -> HTMLResponse:
    html = (f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(title)}</title><style>{STYLE}</style></head>"
            f"<body><main>{body}</main></body></html>")
    return HTMLResponse(html, status_code=status, headers={
        "Content-Security-Policy": CSP, "Cache-Control": "no-store", "Referrer-Policy": "no-referrer",
        "X-Content-Type-Options": "nosniff"})


def _ticket_card(ticket: Ticket, row: FollowUp) -> str:
    return (f'<div class="card"><div class="muted">工单 {escape(ticket.number)}</div>'
            f"<div>{escape(ticket.title)}</div>"
            f'<div class="muted">处理完成：{escape(minute_text(row.resolved_at))}</div></div>')


def form(ticket: Ticket, row: FollowUp, action: str, error: str | None = None) -> HTMLResponse:
    scores = "".join(f'<label class="score"><input type="radio" name="score" value="{n}" required>'
                     f"<span>{n} 分 · {label}</span></label>" for n, label in SCORES)
    problem = f'<p class="error" role="alert">{escape(error)}</p>' if error else ""
    return _page("服务回访", (
        f"<h1>服务回访</h1>{_ticket_card(ticket, row)}{problem}"
        f'<form method="post" action="{escape(action)}" class="card">'
        f"<fieldset><legend>您对本次服务满意吗？</legend>{scores}</fieldset>"
        f'<label for="comment">意见或建议（选填）</label>'
        f'<textarea id="comment" name="comment" maxlength="1000"></textarea>'
        f'<button type="submit">提交评价</button></form>'
        f'<p class="muted">本链接仅可提交一次，有效期至 {escape(minute_text(row.link_expires_at))}。</p>'),
        status=422 if error else 200)


def thanks(ticket: Ticket, row: FollowUp, fresh: bool) -> HTMLResponse:
    said = "感谢您的评价，我们已收到。" if fresh else "您已提交过评价，以首次提交为准。"
    complaint = ("<p>我们将尽快与您联系，改进服务。</p>"
                 if row.complaint_ticket_id else "")
    return _page("服务回访", (
        f"<h1>{said}</h1>{_ticket_card(ticket, row)}"
        f'<div class="card">评分：{row.score} 分 · {dict(SCORES)[row.score]}'
        f"{'<br>意见：' + escape(row.comment) if row.comment else ''}</div>{complaint}"))


def refused(status: int, detail: str) -> HTMLResponse:
    headline = {404: "链接无效", 410: "链接已过期"}.get(status, "无法提交")
    hint = {404: "请核对短信中的链接是否完整。",
            410: "回访链接已超过有效期，客服人员将电话回访您。"}.get(status, "")
    return _page(headline, f'<h1>{headline}</h1><div class="card"><p>{hint}</p>'
                           f'<p class="muted">{escape(detail)}</p></div>', status=status)
