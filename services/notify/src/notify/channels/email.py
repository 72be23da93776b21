"""Email over SMTP (aiosmtplib). The Message-ID is derived from our notification id, so
a resend after a lost answer is recognisable as the same message in the mailbox — or, for
a reply in a mail thread, is the one the thread's owner chose (ticketing's mail intake
knows its replies by it), with In-Reply-To and References so mail programs thread it."""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate

import aiosmtplib

from notify.channels.base import Message, OutcomeUnknown, Refused, Report, Sent, Unavailable


@dataclass
class SmtpEmail:
    host: str
    port: int
    sender: str
    username: str = ""
    password: str = ""
    starttls: bool = False
    timeout: float = 15.0
    name: str = "smtp"

    def compose(self, message: Message) -> EmailMessage:
        mail = EmailMessage()
        mail["From"] = self.sender
        mail["To"] = message.recipient
        thread = message.thread or {}
        mail["Subject"] = thread.get("subject") or message.subject
        mail["Date"] = formatdate(localtime=False)
        mail["Message-ID"] = self.message_id(message)
        if thread.get("in_reply_to"):
            mail["In-Reply-To"] = thread["in_reply_to"]
        if thread.get("references"):
            mail["References"] = " ".join(thread["references"])
        if thread.get("reply_to"):
            mail["Reply-To"] = thread["reply_to"]
        mail.set_content(message.text, charset="utf-8")
        return mail

    @staticmethod
    def message_id(message: Message) -> str:
        return (message.thread or {}).get("message_id") or f"<{message.id}@opspact>"

    async def send(self, client, message: Message) -> Sent:
        try:
            await aiosmtplib.send(self.compose(message), hostname=self.host, port=self.port,
                                  username=self.username or None, password=self.password or None,
                                  start_tls=self.starttls, timeout=self.timeout)
        except aiosmtplib.SMTPRecipientsRefused as exc:
            raise Refused("invalid_recipient", "SMTP", str(exc)[:300]) from exc
        except aiosmtplib.SMTPTimeoutError as exc:
            raise OutcomeUnknown(f"smtp: {exc}") from exc
        except (aiosmtplib.SMTPException, OSError) as exc:
            raise Unavailable(f"smtp: {type(exc).__name__}: {exc}") from exc
        return Sent(self.name, self.message_id(message))

    async def find(self, client, message, sent_on) -> Report | None:
        return None
