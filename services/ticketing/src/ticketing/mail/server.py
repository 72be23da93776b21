"""The SMTP listener (aiosmtpd): mail for the addresses tenants name in their files.

At RCPT an address nobody named is refused (550); past the size limit the message is
refused during DATA (552, aiosmtpd's own check, and each tenant's lower one). A sender
outside the tenant's allowed domains is refused (550) unless the mail is an auto-reply or
bounce, which is taken quietly and dropped. A failure while recording answers 451, so the
sending server tries again later: a fault report is never lost to a database hiccup."""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass

from aiosmtpd.smtp import SMTP
from opspact.db import Database
from opspact.db.bootstrap import app_role
from opspact.leader import tenant_ids

from ticketing.attachments.store import stores
from ticketing.mail.intake import take
from ticketing.mail.parse import parse
from ticketing.mail.settings import EmailIntake
from ticketing.tables import shared
from ticketing.tickets.service import settings_of

log = logging.getLogger("ticketing.mail")
MAIL_ROLE = app_role("ticketing") + "_mail"
REFRESH_SECONDS = 30.0
MISS_REFRESH_SECONDS = 5.0  # an address just added to a tenant file is known within this


@dataclass(frozen=True)
class Mailbox:
    tenant_id: str
    intake: EmailIntake


class AddressBook:
    """Address → tenant, read from every tenant's settings, refreshed as they change."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.boxes: dict[str, Mailbox] = {}
        self.loaded = 0.0

    async def find(self, address: str) -> Mailbox | None:
        age = time.monotonic() - self.loaded
        if age > REFRESH_SECONDS or (address not in self.boxes and age > MISS_REFRESH_SECONDS):
            await self.load()
        return self.boxes.get(address.lower())

    async def load(self) -> None:
        boxes: dict[str, Mailbox] = {}
        for tenant_id in await tenant_ids(self.db, MAIL_ROLE, shared.tenants):
            async with self.db.unit_of_work(tenant_id) as session:
                intake = (await settings_of(session, tenant_id)).email
            for address in intake.addresses if intake else ():
                if address in boxes:
                    log.error("%s is named by tenants %s and %s; mail goes to %s",
                              address, boxes[address].tenant_id, tenant_id, boxes[address].tenant_id)
                    continue
                boxes[address] = Mailbox(tenant_id, intake)
        self.boxes, self.loaded = boxes, time.monotonic()


class IntakeHandler:
    def __init__(self, db: Database, settings) -> None:
        self.db = db
        self.settings = settings
        self.book = AddressBook(db)
        self.stores = stores(settings)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        box = await self.book.find(address)
        if box is None:
            return "550 5.1.1 No such mailbox here"
        first = envelope.rcpt_tos and await self.book.find(envelope.rcpt_tos[0])
        if first and first.tenant_id != box.tenant_id:
            return "452 4.5.3 One tenant's addresses per message; send again for this one"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        box = await self.book.find(envelope.rcpt_tos[0])
        raw = envelope.original_content or envelope.content
        if box is None:
            return "451 4.3.0 Mailbox configuration changed; try again later"
        if len(raw) > box.intake.max_message_bytes:
            return f"552 5.3.4 Message exceeds {box.intake.max_message_bytes} bytes"
        mail = parse(raw, envelope.mail_from or "")
        if not mail.automatic and not box.intake.allows(mail.sender):
            log.info("refused mail from %s for %s: domain not allowed", mail.sender, box.tenant_id)
            return "550 5.7.1 Sender's domain is not accepted for this mailbox"
        try:
            async with self.db.unit_of_work(box.tenant_id) as db_session:
                taken = await take(db_session, box.tenant_id, box.intake, mail,
                                   self.stores[self.settings.attachment_store], self.settings)
        except Exception:
            log.exception("could not record %s for %s", mail.message_id, box.tenant_id)
            return "451 4.3.0 Could not record the message; try again later"
        log.info("%s for %s: %s %s", mail.message_id, box.tenant_id, taken.outcome,
                 taken.ticket.number if taken.ticket else taken.reason or "")
        return "250 OK"


async def serve(settings, host: str, port: int) -> None:
    db = Database(settings.app_database_url, settings.db_pool_size)
    handler = IntakeHandler(db, settings)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(handler, data_size_limit=settings.mail_max_bytes, hostname=settings.mail_hostname,
                     ident="OpsPact mail intake"), host, port)
    log.info("mail intake listening on %s:%d", host, port)
    try:
        async with server:
            await server.serve_forever()
    finally:
        await db.dispose()
