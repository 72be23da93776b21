"""Mail intake: mail taken in and committed as tickets per second, beside the same number of
tickets posted through the gateway's API, same run, same clients.

Starts the real stack in a temporary directory (the SMTP listener included). BENCH_MAIL
mails (default 400), each a new question to zhuhai's support address in GBK with a small
PNG attached, are sent by BENCH_MAIL_CLIENTS (default 4) SMTP connections; the listener
answers 250 only after the ticket, its attachment and the mail's record are committed, so
the clients' rate is the committed rate. Then the same clients post as many tickets to
`POST /api/ticketing/tickets` (no attachment)."""

from __future__ import annotations

import base64
import os
import smtplib
import threading
import time
import uuid

import httpx
from opspact.cli.common import dev_token
from opspact.testing.probes import query

from bench.common import running_stack

MAILBOX = "zhuhai-support@opspact.example"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(200))


def _mail(n: int) -> bytes:
    body = base64.encodebytes(f"第{n}号测试：门禁系统登录报错，截图见附件。".encode("gbk")).decode()
    picture = base64.encodebytes(PNG).decode()
    subject = base64.b64encode(f"门禁登录报错 {n}".encode("gbk")).decode()
    return (f"From: bench@example.gov.cn\r\nTo: {MAILBOX}\r\nSubject: =?GB2312?B?{subject}?=\r\n"
            f"Message-ID: <{uuid.uuid4().hex}@example.gov.cn>\r\nMIME-Version: 1.0\r\n"
            "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
            "--b\r\nContent-Type: text/plain; charset=gb2312\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            f"{body}\r\n--b\r\nContent-Type: image/png; name=\"shot.png\"\r\n"
            "Content-Disposition: attachment; filename=\"shot.png\"\r\n"
            "Content-Transfer-Encoding: base64\r\n\r\n"
            f"{picture}\r\n--b--\r\n").encode("ascii")


def _in_threads(clients: int, total: int, work) -> float:
    """Seconds for `clients` threads to do `total` calls of work(client_state, n)."""
    counter, lock = iter(range(total)), threading.Lock()

    def run() -> None:
        with work() as do:
            while True:
                with lock:
                    n = next(counter, None)
                if n is None:
                    return
                do(n)

    threads = [threading.Thread(target=run) for _ in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - started


class _Smtp:
    def __init__(self, port: int) -> None:
        self.port = port

    def __enter__(self):
        self.smtp = smtplib.SMTP("127.0.0.1", self.port, timeout=60)
        return lambda n: self.smtp.sendmail("bench@example.gov.cn", [MAILBOX], _mail(n))

    def __exit__(self, *exc):
        self.smtp.quit()


class _Api:
    def __init__(self, url: str) -> None:
        self.url = url

    def __enter__(self):
        token = dev_token(["zhuhai"], ["vendor_engineer"], "bench")
        self.http = httpx.Client(base_url=self.url, timeout=60, headers={"Authorization": f"Bearer {token}"})

        def post(n: int) -> None:
            r = self.http.post("/api/ticketing/tickets", json={
                "system": "smart-station", "title": f"门禁登录报错 {n}", "channel": "email",
                "kind": "consultation", "description": f"第{n}号测试：门禁系统登录报错。"})
            r.raise_for_status()
        return post

    def __exit__(self, *exc):
        self.http.close()


def main() -> None:
    total = int(os.environ.get("BENCH_MAIL", "400"))
    clients = int(os.environ.get("BENCH_MAIL_CLIENTS", "4"))
    with running_stack() as (stack, _):
        _in_threads(clients, 20, lambda: _Smtp(stack.ports["mail-intake"]))  # warm both paths
        _in_threads(clients, 20, lambda: _Api(stack.url("gateway")))
        mail_seconds = _in_threads(clients, total, lambda: _Smtp(stack.ports["mail-intake"]))
        api_seconds = _in_threads(clients, total, lambda: _Api(stack.url("gateway")))
        taken = query(stack, "SELECT count(*) AS n FROM ticketing.mail_messages WHERE outcome = 'created'")
        print(f"{'path':<34}{'tickets/s':>10}{'seconds':>9}")
        print(f"{'mail → committed ticket (+file)':<34}{total / mail_seconds:>10.1f}{mail_seconds:>9.1f}")
        print(f"{'POST /tickets via gateway':<34}{total / api_seconds:>10.1f}{api_seconds:>9.1f}")
        print(f"{taken[0]['n']} mails recorded as new tickets (of {total + 20}); "
              f"ratio mail / API: {api_seconds / mail_seconds:.2f}×")


if __name__ == "__main__":
    main()
