"""Mail as it arrives, made plain: headers and bodies in whatever charset and transfer
encoding the sender's program chose (GB2312 that is really GBK, base64, quoted-printable),
HTML-only mail made text, attachments lifted out, and the new text told apart from the
quoted history and the signature below it.

Parsed with the compat32 policy and decoded here, so the charset names Chinese mail
programs write are read as what they mean: GB2312 and GBK labels are decoded as GB18030
(their superset), and undecodable bytes become U+FFFD instead of failing the message."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.header import decode_header
from email.message import Message
from email.utils import getaddresses, parseaddr
from html.parser import HTMLParser

_WIDER = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030",
          "euc-cn": "gb18030", "hz-gb-2312": "hz", "unknown-8bit": "gb18030"}
_MESSAGE_ID = re.compile(r"<[^<>\s]{1,250}>")
TICKET_NUMBER = re.compile(r"\b(T\d{4}-\d{6})\b")
# Where the quoted history starts, in the forms Chinese and other mail programs write it.
_QUOTE_STARTS = re.compile(
    r"^(?:-{2,}\s*(?:原始邮件|Original Message|Forwarded message)\s*-{2,}"
    r"|在\s?.{0,120}写道[:：]\s*$|On\s.{0,250}\swrote:\s*$"
    r"|(?:发件人|From)[:：]\s.+$|>.*)", re.IGNORECASE)
_SIGNATURE = re.compile(r"^--\s?$")


def _storable(text: str) -> str:
    # PostgreSQL text cannot hold NUL; a mail may carry one anywhere
    return text.replace("\x00", "")


def _codec(charset: str | None) -> str:
    name = (charset or "utf-8").strip().strip('"').lower()
    return _WIDER.get(name, name)


def _text(data: bytes, charset: str | None) -> str:
    try:
        return data.decode(_codec(charset), errors="replace")
    except LookupError:  # a charset nobody knows: try the two that matter here
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            return data.decode("gb18030", errors="replace")


def header_text(value) -> str:
    """An RFC 2047 header (=?GB2312?B?…?=) as text; runs of whitespace made one space."""
    if value is None:
        return ""
    parts = []
    for chunk, charset in decode_header(str(value)):
        parts.append(_text(chunk, charset) if isinstance(chunk, bytes) else chunk)
    return re.sub(r"\s+", " ", "".join(parts)).strip()


class _HtmlText(HTMLParser):
    """Visible text of HTML: scripts, styles and heads dropped, blocks on their own lines."""
    BLOCKS = {"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "table", "blockquote"}
    HIDDEN = {"script", "style", "head", "title"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self.hidden += 1
        elif tag in self.BLOCKS:
            self.out.append("\n")

    def handle_endtag(self, tag):
        if tag in self.HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in self.BLOCKS:
            self.out.append("\n")

    def handle_data(self, data):
        if not self.hidden:
            self.out.append(data)


def html_text(html: str) -> str:
    parser = _HtmlText()
    parser.feed(html)
    parser.close()
    lines = [re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in "".join(parser.out).splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def split_history(text: str) -> tuple[str, str]:
    """(what the sender wrote now, the quoted history and signature below it)."""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if _SIGNATURE.match(line) or (i > 0 and _QUOTE_STARTS.match(line.strip())):
            return "\n".join(lines[:i]).strip(), "\n".join(lines[i:]).strip()
    return text.strip(), ""


@dataclass
class File:
    filename: str
    data: bytes


@dataclass
class IncomingMail:
    message_id: str
    sender: str  # the From address, lower-cased
    sender_name: str
    subject: str
    text: str  # what the sender wrote now
    quoted: str  # history and signature, kept, shown collapsed
    refers_to: list[str]  # In-Reply-To and References, newest first
    automatic: str | None  # why it is an auto-reply or bounce, None for a person's mail
    files: list[File] = field(default_factory=list)

    def ticket_number(self) -> str | None:
        found = TICKET_NUMBER.search(self.subject)
        return found.group(1) if found else None


def _automatic(mail: Message, envelope_from: str) -> str | None:
    """RFC 3834 and the conventions before it: such mail never opens a ticket or gets a reply."""
    auto = (mail.get("Auto-Submitted") or "").strip().lower()
    if auto and auto != "no":
        return f"Auto-Submitted: {auto}"
    precedence = (mail.get("Precedence") or "").strip().lower()
    if precedence in ("bulk", "junk", "list", "auto_reply"):
        return f"Precedence: {precedence}"
    for name in ("X-Autoreply", "X-Autorespond", "X-Auto-Reply"):
        if mail.get(name):
            return name
    if mail.get_content_type() == "multipart/report":
        return "a delivery report (multipart/report)"
    sender = parseaddr(mail.get("From") or "")[1].lower()
    if envelope_from in ("", "<>") or sender.split("@")[0] in ("mailer-daemon", "postmaster"):
        return "a bounce (null sender or mailer-daemon)"
    return None


def _filename(part: Message) -> str | None:
    name = part.get_filename()
    return header_text(name) if name else None


def parse(raw: bytes, envelope_from: str) -> IncomingMail:
    mail = message_from_bytes(raw, policy=policy.compat32)
    plain, html, files = None, None, []
    for part in mail.walk():
        if part.is_multipart():
            continue
        data = part.get_payload(decode=True) or b""
        name = _filename(part)
        disposition = (part.get("Content-Disposition") or "").split(";")[0].strip().lower()
        if name or disposition == "attachment" or part.get_content_maintype() not in ("text",):
            if data:
                files.append(File(_storable(name or "") or f"附件{len(files) + 1}", data))
            continue
        if part.get_content_type() == "text/plain" and plain is None:
            plain = _text(data, part.get_content_charset())
        elif part.get_content_type() == "text/html" and html is None:
            html = _text(data, part.get_content_charset())
    body = plain if plain is not None else html_text(html or "")
    text, quoted = split_history(_storable(body).replace("\r\n", "\n"))
    found_id = _MESSAGE_ID.search(mail.get("Message-ID") or "")
    # A mail without a Message-ID (rare, broken programs) is known by its bytes.
    message_id = found_id.group(0) if found_id else f"<sha256-{hashlib.sha256(raw).hexdigest()}@local>"
    refers = _MESSAGE_ID.findall(f"{mail.get('In-Reply-To') or ''} "
                                 f"{' '.join(reversed((mail.get('References') or '').split()))}")
    name, address = parseaddr(header_text(mail.get("From")))
    if not address:
        address = (getaddresses([mail.get("Sender") or ""]) or [("", "")])[0][1]
    return IncomingMail(message_id=message_id, sender=_storable(address.lower()), sender_name=_storable(name),
                        subject=_storable(header_text(mail.get("Subject"))), text=text, quoted=quoted,
                        refers_to=list(dict.fromkeys(refers)), automatic=_automatic(mail, envelope_from),
                        files=files)
