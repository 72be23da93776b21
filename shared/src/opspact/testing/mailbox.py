"""A real SMTP server (aiosmtpd) that notify sends its mail to, for the tests to read."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes, policy


class Mailbox:
    """Takes every message (parsed) except for the addresses it refuses (550 at RCPT)."""

    def __init__(self, refuse: set[str] = frozenset()) -> None:
        self.messages = []
        self.refuse = refuse

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"


@contextmanager
def notify_mailing_to(stack, refuse: set[str] = frozenset(),
                      sender: str = "opspact@example.com") -> Iterator[Mailbox]:
    """Notify restarted to send mail through a fresh Mailbox; afterwards as it was."""
    from aiosmtpd.controller import Controller

    from opspact.cli.stack import free_port
    box = Mailbox(refuse)
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    stack.restart_process("notify", {"OPSPACT_NOTIFY_SMTP_HOST": "127.0.0.1",
                                     "OPSPACT_NOTIFY_SMTP_PORT": str(controller.port),
                                     "OPSPACT_NOTIFY_SMTP_FROM": sender})
    try:
        yield box
    finally:
        stack.restart_process("notify")
        controller.stop()
