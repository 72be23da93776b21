"""Faults by email, end to end on the real stack: the SMTP listener takes a GBK mail with an
attachment and opens a ticket; the desk's public answer goes back through notify as a
threaded reply (a real SMTP server receives it); the reporter's reply to that lands on the
same ticket; auto-replies, repeats, strangers and oversized mail are kept out."""

from __future__ import annotations

import base64
import quopri
import smtplib
import uuid

import pytest
from opspact.cli.common import dev_token
from opspact.testing.mailbox import notify_mailing_to
from opspact.testing.plugin import wait_until

TICKETS = "/api/ticketing/tickets"
MAILBOX = "zhuhai-support@opspact.example"
ENGINEER = {"Authorization": f"Bearer {dev_token(['zhuhai'], ['vendor_engineer'], 'zh-engineer')}"}
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(64))


def gb(text: str, charset: str = "GB2312") -> str:
    """An RFC 2047 header word as Chinese mail programs write it: labelled GB2312, bytes GBK."""
    return f"=?{charset}?B?{base64.b64encode(text.encode('gbk')).decode()}?="


def gbk_mail(sender: str, subject: str, body: str, message_id: str, extra: str = "",
             attachment: tuple[str, bytes] | None = None) -> bytes:
    """A multipart mail the way Foxmail and Outlook on Chinese Windows send it."""
    boundary = "----=_NextPart_000_0001"
    parts = [f"--{boundary}\r\nContent-Type: text/plain; charset=\"gb2312\"\r\n"
             f"Content-Transfer-Encoding: quoted-printable\r\n\r\n"
             f"{quopri.encodestring(body.encode('gbk')).decode().replace(chr(10), chr(13) + chr(10))}\r\n"]
    if attachment:
        name, data = attachment
        parts.append(f"--{boundary}\r\nContent-Type: image/png; name=\"{gb(name)}\"\r\n"
                     f"Content-Transfer-Encoding: base64\r\n"
                     f"Content-Disposition: attachment; filename=\"{gb(name)}\"\r\n\r\n"
                     f"{base64.encodebytes(data).decode()}\r\n")
    head = (f"From: {gb('报告人甲')} <{sender}>\r\nTo: {MAILBOX}\r\nSubject: {gb(subject)}\r\n"
            f"Message-ID: {message_id}\r\nDate: Tue, 01 Dec 2026 10:00:00 +0800\r\nMIME-Version: 1.0\r\n"
            f"{extra}Content-Type: multipart/mixed; boundary=\"{boundary}\"\r\n\r\n")
    return (head + "".join(parts) + f"--{boundary}--\r\n").encode("ascii")


def send(stack, sender: str, raw: bytes, to: str = MAILBOX) -> None:
    with smtplib.SMTP("127.0.0.1", stack.ports["mail-intake"], timeout=30) as smtp:
        smtp.sendmail(sender, [to], raw)


def mail_ticket(gateway, reporter: str) -> dict:
    def found():
        page = gateway.get(TICKETS, headers=ENGINEER, params={"reporter": reporter}).json()
        return page["total"] == 1 and page["items"][0]
    return wait_until(found, timeout=30)


@pytest.fixture
def outbox_smtp(stack):
    """Notify's mail goes to a real SMTP server the test reads."""
    with notify_mailing_to(stack, sender=MAILBOX) as box:
        yield box


def test_a_gbk_mail_becomes_a_ticket_and_the_answer_threads_back(stack, gateway, outbox_smtp):
    reporter = f"reporter-{uuid.uuid4().hex[:6]}@example.gov.cn"
    first_id = f"<{uuid.uuid4().hex}@example.gov.cn>"
    body = "您好：\n门禁系统登录报错，截图见附件。\n\n--\n报告人甲\n某派出所"
    raw = gbk_mail(reporter, "門禁系统无法登录", body, first_id, attachment=("登录报错.png", PNG))
    send(stack, reporter, raw)
    ticket = mail_ticket(gateway, reporter)
    assert ticket["title"] == "門禁系统无法登录" and ticket["channel"] == "email"
    assert ticket["kind"] == "consultation"  # zhuhai 二3(2): questions by mail
    assert "截图见附件" in ticket["description"] and "某派出所" in ticket["description"]
    files = gateway.get(f"{TICKETS}/{ticket['id']}/attachments", headers=ENGINEER).json()["items"]
    assert [(f["filename"], f["content_type"]) for f in files] == [("登录报错.png", "image/png")]
    send(stack, reporter, raw)  # delivered twice: still one ticket
    assert gateway.get(TICKETS, headers=ENGINEER, params={"reporter": reporter}).json()["total"] == 1

    answer = gateway.post(f"{TICKETS}/{ticket['id']}/comments", headers=ENGINEER, json={
        "body": "您好，已重置登录服务，请再试。", "visibility": "public"})
    assert answer.status_code == 201, answer.text
    reply = wait_until(lambda: [m for m in outbox_smtp.messages if m["To"] == reporter], timeout=30)[0]
    assert reply["In-Reply-To"] == first_id and first_id in reply["References"]
    assert reply["Subject"] == f"Re: 門禁系统无法登录 [{ticket['number']}]"
    assert reply["Message-ID"] == f"<ticket-{ticket['id']}.{answer.json()['id']}@opspact.example>"
    assert reply["Reply-To"] == MAILBOX and "已重置登录服务" in reply.get_content()

    answered = "还是不行，提示密码错误。\n\n在 2026-12-01 写道：\n> 您好，已重置"
    again = gbk_mail(reporter, "回复: 門禁系统无法登录", answered, f"<{uuid.uuid4().hex}@example.gov.cn>",
                     extra=f"In-Reply-To: {reply['Message-ID']}\r\n")
    send(stack, reporter, again)

    def conversation():
        said = gateway.get(f"{TICKETS}/{ticket['id']}/comments", headers=ENGINEER).json()["items"]
        return len(said) == 2 and said
    said = wait_until(conversation, timeout=30)
    assert said[1]["author"] == f"mail:{reporter}" and said[1]["body"] == "还是不行，提示密码错误。"
    assert said[1]["quoted"].startswith("在 2026-12-01 写道")  # kept, shown collapsed
    assert len([m for m in outbox_smtp.messages if m["To"] == reporter]) == 1  # no echo of their own mail

    vacation = gbk_mail(reporter, "自动回复: 門禁系统无法登录", "我正在休假。",
                        f"<{uuid.uuid4().hex}@example.gov.cn>",
                        extra=f"Auto-Submitted: auto-replied\r\nIn-Reply-To: {reply['Message-ID']}\r\n")
    send(stack, reporter, vacation)
    by_number = gbk_mail(reporter, f"关于 {ticket['number']} 的补充", "补充：只有早班出现。",
                         f"<{uuid.uuid4().hex}@example.gov.cn>")
    send(stack, reporter, by_number)  # no thread headers: the number in the subject finds it
    said = wait_until(lambda: len(gateway.get(f"{TICKETS}/{ticket['id']}/comments", headers=ENGINEER)
                                  .json()["items"]) == 3 and True, timeout=30)
    bodies = [c["body"] for c in gateway.get(f"{TICKETS}/{ticket['id']}/comments", headers=ENGINEER)
              .json()["items"]]
    assert "我正在休假。" not in bodies and bodies[-1] == "补充：只有早班出现。"
    assert gateway.get(TICKETS, headers=ENGINEER, params={"reporter": reporter}).json()["total"] == 1


def test_a_reply_reopens_a_ticket_resolved_lately(stack, gateway):
    reporter = f"reporter-{uuid.uuid4().hex[:6]}@example.com"
    first_id = f"<{uuid.uuid4().hex}@example.com>"
    send(stack, reporter, gbk_mail(reporter, "查询慢", "人口查询很慢。", first_id))
    ticket = mail_ticket(gateway, reporter)
    r = gateway.post(f"{TICKETS}/{ticket['id']}/transitions", headers=ENGINEER,
                     json={"to": "resolved", "note": "已优化索引"})
    assert r.status_code == 200, r.text
    send(stack, reporter, gbk_mail(reporter, "Re: 查询慢", "又慢了。", f"<{uuid.uuid4().hex}@example.com>",
                                   extra=f"References: {first_id}\r\n"))
    reopened = wait_until(lambda: (t := gateway.get(f"{TICKETS}/{ticket['id']}", headers=ENGINEER).json())
                          ["status"] == "acknowledged" and t, timeout=30)
    assert any(e["action"] == "reopened" for e in reopened["timeline"])


def test_strangers_unknown_mailboxes_and_oversized_mail_are_refused(stack, gateway):
    raw = gbk_mail("someone@elsewhere.com", "广告", "推广", f"<{uuid.uuid4().hex}@elsewhere.com>")
    with pytest.raises(smtplib.SMTPDataError) as refused:
        send(stack, "someone@elsewhere.com", raw)
    assert refused.value.smtp_code == 550
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        send(stack, "reporter@example.com", raw, to="nobody@opspact.example")
    stack.restart_process("mail-intake", {"OPSPACT_MAIL_MAX_BYTES": "20000"})
    try:
        big = gbk_mail("reporter@example.com", "大附件", "见附件", f"<{uuid.uuid4().hex}@example.com>",
                       attachment=("日志.png", PNG + bytes(40000)))
        with pytest.raises(smtplib.SMTPException) as too_big:
            send(stack, "reporter@example.com", big)
        assert "552" in str(too_big.value)
    finally:
        stack.restart_process("mail-intake")


def test_a_long_mail_with_a_nul_is_taken_cut_to_fit(stack, gateway):
    """A NUL or a 25,000-character body must not make the intake fail (451) for ever."""
    reporter = f"reporter-{uuid.uuid4().hex[:6]}@example.com"
    first_id = f"<{uuid.uuid4().hex}@example.com>"
    body = "错误日志：\x00" + "连接超时。" * 5000
    send(stack, reporter, gbk_mail(reporter, "日志\x00全文", body, first_id))
    ticket = mail_ticket(gateway, reporter)
    assert ticket["title"] == "日志全文" and len(ticket["description"]) <= 20000
    assert ticket["description"].endswith("其余见原邮件）") and "\x00" not in ticket["description"]
    send(stack, reporter, gbk_mail(reporter, "Re: 日志全文", "补充\x00" + "字" * 25000,
                                   f"<{uuid.uuid4().hex}@example.com>", extra=f"In-Reply-To: {first_id}\r\n"))
    said = wait_until(lambda: gateway.get(f"{TICKETS}/{ticket['id']}/comments", headers=ENGINEER)
                      .json()["items"], timeout=30)
    assert len(said[0]["body"]) <= 20000 and said[0]["body"].startswith("补充字")
