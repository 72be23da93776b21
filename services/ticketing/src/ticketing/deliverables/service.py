"""The register read and written: the contract's entries joined with what was uploaded and
signed; a version uploaded; a version signed off; the due and overdue notices."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime

from opspact import outbox, sniff
from opspact.auth import Principal
from opspact.calendar import SHANGHAI, WorkdayCalendar
from opspact.downloads import uploaded_name
from opspact.errors import Conflict, NotFound, PayloadTooLarge, Unprocessable, UnsupportedMediaType
from opspact.tenancy.registry import load_tenant
from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from ticketing.attachments.store import BlobStore
from ticketing.deliverables import events, register
from ticketing.deliverables.models import Deliverable, DeliverableVersion
from ticketing.deliverables.register import Entry
from ticketing.deliverables.settings import DeliverableSettings
from ticketing.signoff import service as signoffs
from ticketing.signoff.models import SignOff
from ticketing.signoff.schemas import SignOffIn
from ticketing.tables import shared
from ticketing.tenant_settings import TicketingTenantSettings

# Documents and their scans: what a client files as evidence. Archives and plain text are
# not deliverables (nobody signs a zip).
ACCEPTED = (sniff.DOCX, sniff.PDF, sniff.XLSX, sniff.PPTX, sniff.PNG, sniff.JPEG, sniff.GIF, sniff.WEBP,
            sniff.BMP)
# Older misses are in the register; announcing a past term's every miss at once is noise.
OVERDUE_LOOKBACK_DAYS = 30
EXTENSIONS = {"docx": sniff.DOCX, "pdf": sniff.PDF, "xlsx": sniff.XLSX, "pptx": sniff.PPTX,
              "png": sniff.PNG, "jpg": sniff.JPEG, "jpeg": sniff.JPEG, "gif": sniff.GIF,
              "webp": sniff.WEBP, "bmp": sniff.BMP}


@dataclass
class Contract:
    """What the register is computed from."""
    settings: DeliverableSettings
    config: dict
    calendar: WorkdayCalendar

    def entries(self) -> list[Entry]:
        return register.entries(self.settings, self.config, self.calendar)

    def find(self, code: str, period: str) -> Entry:
        return register.find(self.settings, self.config, self.calendar, code, period)


async def contract(session: AsyncSession, tenant_id: str) -> Contract:
    config = await load_tenant(session, shared.tenants, tenant_id)
    settings = TicketingTenantSettings.model_validate(config["settings"])
    return Contract(settings.deliverables, config, WorkdayCalendar(settings.calendar))


@dataclass
class Held:
    """One entry with what was done about it."""
    entry: Entry
    row: Deliverable | None
    versions: list[DeliverableVersion]  # oldest first
    signed: dict[int, SignOff]  # version id → its sign-off

    @property
    def latest(self) -> DeliverableVersion | None:
        return self.versions[-1] if self.versions else None

    @property
    def accepted(self) -> DeliverableVersion | None:
        return next((v for v in reversed(self.versions)
                     if (s := self.signed.get(v.id)) and s.decision == "accepted"), None)

    def state(self, today: date) -> str:
        if self.latest is None:
            due_on = self.entry.due_on
            return "overdue" if due_on is not None and today > due_on else "due"
        signed = self.signed.get(self.latest.id)
        return signed.decision if signed else "submitted"

    def late(self, today: date) -> bool:
        due_on = self.entry.due_on
        if due_on is None:
            return False
        first = self.versions[0].submitted_at.astimezone(SHANGHAI).date() if self.versions else today
        return first > due_on


def today() -> date:
    return datetime.now(SHANGHAI).date()


async def held(session: AsyncSession, tenant_id: str, entries: list[Entry]) -> list[Held]:
    rows = {(r.code, r.period): r for r in (await session.execute(
        select(Deliverable).where(Deliverable.tenant_id == tenant_id))).scalars()}
    versions: dict[int, list[DeliverableVersion]] = {}
    for v in (await session.execute(select(DeliverableVersion).where(
            DeliverableVersion.tenant_id == tenant_id).order_by(DeliverableVersion.version))).scalars():
        versions.setdefault(v.deliverable_id, []).append(v)
    ids = [v.id for vs in versions.values() for v in vs]
    signed = await signoffs.of(session, tenant_id, "deliverable", ids)
    out = []
    for entry in entries:
        row = rows.get((entry.item.code, entry.period))
        mine = versions.get(row.id, []) if row else []
        out.append(Held(entry, row, mine, {v.id: signed[v.id] for v in mine if v.id in signed}))
    return out


async def one(session: AsyncSession, tenant_id: str, code: str, period: str) -> tuple[Contract, Held]:
    c = await contract(session, tenant_id)
    entry = c.find(code, period)
    return c, (await held(session, tenant_id, [entry]))[0]


async def _row(session: AsyncSession, tenant_id: str, entry: Entry, lock: bool = False) -> Deliverable:
    """The entry's row, made if missing; locked when a version is being numbered."""
    await session.execute(insert(Deliverable).values(
        tenant_id=tenant_id, code=entry.item.code, period=entry.period).on_conflict_do_nothing())
    query = select(Deliverable).where(Deliverable.tenant_id == tenant_id, Deliverable.code == entry.item.code,
                                      Deliverable.period == entry.period)
    return (await session.execute(query.with_for_update() if lock else query)).scalar_one()


def check_file(data: bytes, filename: str, max_bytes: int) -> tuple[str, sniff.Kind]:
    """(the clean name, the kind from the bytes); 413, 415 or 422 problems naming what is wrong."""
    if not data:
        raise Unprocessable("the body is empty: send the file's bytes as the body")
    if len(data) > max_bytes:
        raise PayloadTooLarge(f"the file is {len(data):,} bytes; a deliverable's version may have at most "
                              f"{max_bytes:,}")
    name = uploaded_name(filename)
    kind = sniff.kind_of(data)
    if kind not in ACCEPTED:
        what = kind.label if kind else "a kind of file we do not accept"
        raise UnsupportedMediaType(f"{name!r} is {what}; a deliverable is a Word, Excel, PowerPoint or PDF "
                                   "document or an image (a scan)")
    named = EXTENSIONS.get(name.rsplit(".", 1)[-1].lower()) if "." in name else None
    if named is not None and named != kind:
        raise UnsupportedMediaType(f"{name!r} is named as {named.label} but its bytes are {kind.label}: "
                                   "upload the file itself, or name it for what it is")
    return name, kind


async def submit(session: AsyncSession, store: BlobStore, principal: Principal, code: str, period: str,
                 data: bytes, filename: str, note: str | None) -> tuple[Held, DeliverableVersion]:
    c = await contract(session, principal.tenant)
    entry = c.find(code, period)
    name, kind = check_file(data, filename, c.settings.max_bytes)
    row = await _row(session, principal.tenant, entry, lock=True)
    number = (await session.execute(select(func.coalesce(func.max(DeliverableVersion.version), 0)).where(
        DeliverableVersion.deliverable_id == row.id))).scalar_one() + 1
    digest = hashlib.sha256(data).hexdigest()
    await store.put(session, principal.tenant, digest, data, kind.content_type)
    version = DeliverableVersion(tenant_id=principal.tenant, deliverable_id=row.id, version=number,
                                 filename=name, content_type=kind.content_type, size=len(data), sha256=digest,
                                 store=store.name, note=note, submitted_by=principal.subject,
                                 submitted_at=datetime.now(UTC))
    session.add(version)
    await session.flush()
    await outbox.add(session, shared.outbox, events.submitted(principal.tenant, entry, version))
    return (await held(session, principal.tenant, [entry]))[0], version


def version_of(h: Held, number: int) -> DeliverableVersion:
    found = next((v for v in h.versions if v.version == number), None)
    if found is None:
        raise NotFound(f"{h.entry.label} has no version {number}"
                       + (f" (it has {len(h.versions)})" if h.versions else " (nothing was submitted)"))
    return found


async def sign(session: AsyncSession, principal: Principal, code: str, period: str, number: int,
               body: SignOffIn) -> tuple[Held, SignOff, bool]:
    """The client's decision on a version: only the latest is signed (an older one was
    answered by the newer)."""
    c, h = await one(session, principal.tenant, code, period)
    signoffs.check_certificate(principal, c.settings.certificate, principal.tenant)
    version = version_of(h, number)
    if h.row is not None:  # one decision at a time per deliverable
        await _row(session, principal.tenant, h.entry, lock=True)
    if version is not h.latest:
        raise Conflict(f"version {number} of {h.entry.label} was followed by version {h.latest.version}: "
                       "sign the latest")
    row, made = await signoffs.decide(session, principal, "deliverable", version.id, version.sha256, body)
    if made:
        on = _recorded_on(h.entry, version, row)
        await outbox.add(session, shared.outbox, events.decided(principal.tenant, h.entry, version, row, on))
    _, h = await one(session, principal.tenant, code, period)
    return h, row, made


def _recorded_on(entry: Entry, version: DeliverableVersion, row: SignOff) -> date | None:
    """验收合格 is the day the client accepts; a delivery happened when the accepted version
    was handed over (the client's acceptance confirms it, it does not date it)."""
    if entry.item.records == "acceptance":
        return row.signed_at.astimezone(SHANGHAI).date()
    if entry.item.records == "delivery":
        return version.submitted_at.astimezone(SHANGHAI).date()
    return None


async def announce(session: AsyncSession, tenant_id: str, on: date) -> int:
    """The due notice `remind_days_before` the date and the overdue notice the day after,
    each once per deliverable (the row's mark is set in the transaction that stages it), and
    neither for one already submitted nor one overdue for more than a month."""
    c = await contract(session, tenant_id)
    if not c.settings.items:
        return 0
    announced = 0
    for h in await held(session, tenant_id, c.entries()):
        due_on = h.entry.due_on
        if due_on is None or h.versions or (on - due_on).days > OVERDUE_LOOKBACK_DAYS:
            continue
        if on > due_on:
            mark, event = Deliverable.overdue_announced_at, events.overdue(tenant_id, h.entry, on)
        elif (due_on - on).days <= c.settings.remind_days_before:
            mark, event = Deliverable.due_announced_at, events.due(tenant_id, h.entry, on)
        else:
            continue
        row = await _row(session, tenant_id, h.entry)
        claimed = await session.execute(update(Deliverable).where(
            Deliverable.id == row.id, mark.is_(None)).values({mark.key: datetime.now(UTC)})
            .returning(Deliverable.id))
        if claimed.first() is not None:
            await outbox.add(session, shared.outbox, event)
            announced += 1
    return announced
