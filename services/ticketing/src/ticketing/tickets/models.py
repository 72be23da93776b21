import uuid
from datetime import datetime

from sqlalchemy import BigInteger, DateTime, ForeignKey, Identity, Index, Integer, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from ticketing.tables import Base


class Ticket(Base):
    __tablename__ = "tickets"
    __table_args__ = (
        # Dedup of hook intake: one ticket per (source, external id) per tenant.
        Index("tickets_external_uq", "tenant_id", "source", "external_id", unique=True,
              postgresql_where="external_id IS NOT NULL"),
        # Monitoring alerts: one open incident per fingerprint (see migration 0004).
        Index("tickets_open_fingerprint_uq", "tenant_id", "source", "fingerprint", unique=True,
              postgresql_where="fingerprint IS NOT NULL AND status NOT IN ('resolved', 'closed')"),
        Index("tickets_idempotency_uq", "tenant_id", "idempotency_key", unique=True,
              postgresql_where="idempotency_key IS NOT NULL"),
        Index("tickets_tenant_created", "tenant_id", "created_at"),
        Index("tickets_tenant_status", "tenant_id", "status"),
        Index("tickets_tenant_assignee", "tenant_id", "assignee"),
        Index("tickets_tenant_resolved", "tenant_id", "resolved_at",
              postgresql_where="resolved_at IS NOT NULL"),
    )
    # The server's values (seq, created_at, updated_at) come back with the INSERT
    # (RETURNING) instead of a SELECT after it.
    __mapper_args__ = {"eager_defaults": True}

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    seq: Mapped[int] = mapped_column(BigInteger, Identity(always=True), unique=True)
    tenant_id: Mapped[str] = mapped_column(String(32))
    number: Mapped[str] = mapped_column(String(20))  # per tenant and year (ticketing.numbering)
    kind: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(32))
    priority: Mapped[str] = mapped_column(String(8))
    channel: Mapped[str] = mapped_column(String(16))
    system_code: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    reporter: Mapped[str | None] = mapped_column(String(100))
    # the reporter's mobile, for the follow-up SMS (回访); never in events or the timeline
    reporter_mobile: Mapped[str | None] = mapped_column(String(11))
    assignee: Mapped[str | None] = mapped_column(String(100))
    source: Mapped[str | None] = mapped_column(String(32))
    external_id: Mapped[str | None] = mapped_column(String(128))
    fingerprint: Mapped[str | None] = mapped_column(String(128))
    last_seen_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    idempotency_key: Mapped[str | None] = mapped_column(String(128))
    request_hash: Mapped[str | None] = mapped_column(String(64))
    occurrences: Mapped[int] = mapped_column(Integer, default=1)
    visit_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # agreed on-site visit
    # when it last became resolved; cleared when reopened, kept when closed
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())



class TimelineEntry(Base):
    __tablename__ = "ticket_timeline"
    __table_args__ = (Index("ticket_timeline_ticket", "tenant_id", "ticket_id", "at"),)

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(String(32))
    ticket_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("ticketing.tickets.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(32))
    note: Mapped[str] = mapped_column(Text, default="")
    from_status: Mapped[str | None] = mapped_column(String(32))
    to_status: Mapped[str | None] = mapped_column(String(32))
